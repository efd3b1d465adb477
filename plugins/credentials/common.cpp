#include "common.hpp"

#include <milink/sdk/file.hpp>
#include <milink/sdk/json.hpp>

#include <openssl/rand.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace milink::credentials {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    if (s.size() < 4) continue;  // too short to find without mangling ordinary words
    for (std::size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + 3))
      text.replace(pos, s.size(), "***");
  }
  return text;
}

std::string trim(const std::string& text) {
  std::size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  return text.substr(b, e - b);
}

std::string first_line(const std::string& text, std::size_t max) {
  std::string t = trim(text);
  std::size_t nl = t.find_first_of("\r\n");
  if (nl != std::string::npos) t = trim(t.substr(0, nl));
  if (t.size() > max) t = t.substr(0, max) + "...";
  return t;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool iequals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string read_small_file(const std::string& path, std::size_t max_bytes, const std::string& what) {
  try {
    return sdk::read_regular_file(path, max_bytes);
  } catch (const sdk::FileError& e) {
    throw CredentialError("the " + what + " " + e.what() + "; check the path and that the user running milink may read it");
  }
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string random_guid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw CredentialError("the system random number generator failed");
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

void check_tenant_id(const std::string& tenant, const std::string& where) {
  if (tenant.empty())
    throw CredentialError("no tenant: set " + where + " to the Entra tenant ID");
  for (unsigned char c : tenant)
    if (!(std::isalnum(c) || c == '-' || c == '.'))
      throw CredentialError("the tenant '" + tenant + "' (from " + where +
                            ") is not a tenant ID or domain: only letters, digits, '-' and '.' are allowed");
}

std::string normalize_authority(const std::string& authority, const std::string& where) {
  std::string a = trim(authority);
  while (!a.empty() && a.back() == '/') a.pop_back();
  auto host_of = [](const std::string& url, std::size_t scheme_len) {
    std::string rest = url.substr(scheme_len);
    std::size_t end = rest.find_first_of("/?#");
    std::string hostport = rest.substr(0, end);
    if (!hostport.empty() && hostport[0] == '[') return hostport.substr(0, hostport.find(']') + 1);
    return hostport.substr(0, hostport.find(':'));
  };
  if (starts_with(a, "https://") && a.size() > 8) return a;
  if (starts_with(a, "http://")) {
    std::string host = host_of(a, 7);
    if (host == "localhost" || host == "[::1]" || starts_with(host, "127.")) return a;
    throw CredentialError("the authority host '" + a + "' (from " + where +
                          ") uses plain http, which is allowed only for loopback; use https://");
  }
  throw CredentialError("the authority host '" + a + "' (from " + where +
                        ") is not an https:// URL, e.g. https://login.microsoftonline.com");
}

std::string url_origin(const std::string& url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  std::size_t end = url.find_first_of("/?#", scheme + 3);
  return url.substr(0, end);
}

std::string append_query(const std::string& url, const std::vector<std::pair<std::string, std::string>>& query) {
  std::string out = url;
  char sep = url.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : query) {
    out += sep;
    out += sdk::url_encode(k) + "=" + sdk::url_encode(v);
    sep = '&';
  }
  return out;
}

std::string form_body(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += sdk::form_encode(k) + "=" + sdk::form_encode(v);
  }
  return out;
}

std::string param_or_empty(const sdk::Params& p, const std::string& name) {
  auto v = p.optional_string(name);
  return v ? *v : std::string();
}

std::optional<sdk::Object> parse_object(const std::string& body) {
  try {
    sdk::Value v = sdk::parse_json(body, "<response>");
    if (!v.is_object()) return std::nullopt;
    return v.as_object();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string string_member(const sdk::Object& o, const std::string& key) {
  const sdk::Value* v = o.find(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

std::optional<std::int64_t> seconds_value(const sdk::Value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_int()) return v->as_int();
  if (v->kind() == sdk::Kind::Double) return static_cast<std::int64_t>(v->as_double());
  if (v->is_string()) {
    const std::string s = trim(v->as_string());
    if (s.empty() || s.size() > 18) return std::nullopt;
    std::int64_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return n;
  }
  return std::nullopt;
}

sdk::AccessToken parse_token_response(const std::string& body, const std::string& source) {
  auto obj = parse_object(body);
  if (!obj) throw CredentialError(source + " answered with something that is not a JSON object (a proxy in between?)");
  sdk::AccessToken out;
  out.token = string_member(*obj, "access_token");
  if (out.token.empty()) throw CredentialError(source + " answered without an access_token");
  if (auto on = seconds_value(obj->find("expires_on")); on && *on > 0) {
    out.expires_on = *on;
  } else if (auto in = seconds_value(obj->find("expires_in")); in && *in > 0) {
    out.expires_on = unix_now() + *in;
  } else {
    throw CredentialError(source + " answered without a usable expires_in or expires_on");
  }
  return out;
}

sdk::HttpResponse send_or_throw(sdk::HttpClient& http, const sdk::HttpRequest& request, const std::string& what,
                                const std::string& hint) {
  sdk::HttpResponse response;
  std::string error;
  if (!http.send(request, response, error))
    throw CredentialError("could not reach " + what + " at " + url_origin(request.url) + ": " +
                          (error.empty() ? std::string("no response") : error) + (hint.empty() ? "" : "; " + hint));
  return response;
}

}  // namespace milink::credentials
