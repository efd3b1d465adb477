#include "sql/connection_string.hpp"

#include "sql/freetds_conf.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace milink::sql {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

/// Keywords that come from their own config keys only.
bool reserved_keyword(const std::string& key) {
  for (const char* k : {"Driver", "DSN", "FILEDSN", "Server", "Servername", "Address", "Addr", "Port", "UID",
                        "User ID", "PWD", "Password"})
    if (keyword_is(key, k)) return true;
  return false;
}

/// Keywords whose values are not sensitive and may be shown in messages.
bool harmless_keyword(const std::string& key) {
  for (const char* k : {"Database", "TDS_Version", "ClientCharset", "Encryption", "Encrypt", "TrustServerCertificate",
                        "APP", "Language", "PacketSize", "TextSize", "ApplicationIntent", "MultiSubnetFailover",
                        "MARS_Connection", "HostNameInCertificate", "Timeout", "LoginTimeout", "WSID",
                        "Trusted_Connection", "Authentication", "ServerSPN", "REALM", "UseNTLMv2"})
    if (keyword_is(key, k)) return true;
  return false;
}

const char* config_key_for(const std::string& keyword) {
  if (keyword_is(keyword, "Port")) return "port";
  if (keyword_is(keyword, "UID") || keyword_is(keyword, "User ID")) return "user";
  if (keyword_is(keyword, "PWD") || keyword_is(keyword, "Password")) return "password";
  if (keyword_is(keyword, "Driver")) return "driver";
  return "host";
}

}  // namespace

bool keyword_is(const std::string& key, const char* name) { return lower(trim(key)) == lower(name); }

bool sensitive_keyword(const std::string& key) { return !harmless_keyword(key); }

std::vector<std::string> connection_string_secrets(const std::string& connection_string) {
  std::vector<Keyword> kws;
  std::string error;
  std::vector<std::string> out;
  if (!parse_keywords(connection_string, kws, error)) {
    // Unparsable: nothing is connected with it, but do not show it either.
    if (!connection_string.empty()) out.push_back(connection_string);
    return out;
  }
  for (const auto& k : kws)
    if (sensitive_keyword(k.key) && !k.value.empty()) out.push_back(k.value);
  if (!out.empty()) out.push_back(connection_string);
  return out;
}

bool parse_keywords(const std::string& text, std::vector<Keyword>& out, std::string& error) {
  out.clear();
  std::size_t i = 0;
  const std::size_t n = text.size();
  int index = 0;
  while (i < n) {
    if (text[i] == ';' || std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    ++index;
    std::size_t eq = text.find('=', i);
    std::size_t semi = text.find(';', i);
    if (eq == std::string::npos || (semi != std::string::npos && semi < eq)) {
      error = "keyword " + std::to_string(index) + " has no '=' (expected KEY=VALUE;KEY=VALUE)";
      return false;
    }
    Keyword k;
    k.key = trim(std::string_view(text).substr(i, eq - i));
    if (k.key.empty()) {
      error = "keyword " + std::to_string(index) + " has an empty name";
      return false;
    }
    i = eq + 1;
    while (i < n && text[i] == ' ') ++i;
    if (i < n && text[i] == '{') {
      ++i;
      bool closed = false;
      while (i < n) {
        if (text[i] == '}') {
          if (i + 1 < n && text[i + 1] == '}') {
            k.value += '}';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        k.value += text[i++];
      }
      if (!closed) {
        error = "the value of keyword \"" + k.key + "\" opens '{' but never closes it";
        return false;
      }
      while (i < n && text[i] == ' ') ++i;
      if (i < n && text[i] != ';') {
        error = "the value of keyword \"" + k.key + "\" has text after its closing '}'";
        return false;
      }
    } else {
      std::size_t end = text.find(';', i);
      if (end == std::string::npos) end = n;
      k.value = trim(std::string_view(text).substr(i, end - i));
      i = end;
    }
    out.push_back(std::move(k));
  }
  return true;
}

DriverKind driver_kind(const std::string& driver) {
  std::string d = lower(driver);
  if (d.find("msodbcsql") != std::string::npos) return DriverKind::Microsoft;
  if (d.find("odbc driver") != std::string::npos && d.find("sql server") != std::string::npos)
    return DriverKind::Microsoft;
  return DriverKind::FreeTDS;
}

bool quote_value(const std::string& value, DriverKind kind, std::string& out) {
  bool needs = value.find_first_of(";{}") != std::string::npos ||
               (!value.empty() && (std::isspace(static_cast<unsigned char>(value.front())) ||
                                   std::isspace(static_cast<unsigned char>(value.back()))));
  if (!needs) {
    out = value;
    return true;
  }
  if (kind == DriverKind::FreeTDS) {
    // FreeTDS: the value runs to the first "};" (its parser has no "}}").
    if (value.find("};") != std::string::npos) return false;
    out = "{" + value + "}";
    return true;
  }
  out = "{";
  for (char c : value) {
    out += c;
    if (c == '}') out += '}';
  }
  out += "}";
  return true;
}

bool build_connection_string(const TargetSettings& t, ConnectionString& out, std::string& error) {
  const DriverKind kind = driver_kind(t.driver);
  std::vector<Keyword> extra;
  if (!parse_keywords(t.extra, extra, error)) {
    error = "config " + t.pointer("connection_string") + ": " + error;
    return false;
  }
  for (const auto& k : extra) {
    if (reserved_keyword(k.key)) {
      error = "config " + t.pointer("connection_string") + " sets \"" + k.key + "\"; set " +
              t.pointer(config_key_for(k.key)) + " instead";
      return false;
    }
  }
  if (kind == DriverKind::FreeTDS && t.encryption == "strict") {
    error = "config " + t.pointer("encryption") +
            " is \"strict\" (TDS 8.0), which the FreeTDS driver does not support; use require, or set " +
            t.pointer("driver") + " to \"ODBC Driver 18 for SQL Server\"";
    return false;
  }

  for (const auto& k : extra) {
    if (t.verify_certificate && keyword_is(k.key, "TrustServerCertificate") && !keyword_is(k.value, "no")) {
      error = "config " + t.pointer("connection_string") + " sets TrustServerCertificate, which would skip verifying " +
              "the certificate of " + t.target + "; remove it" +
              (t.target == "managed_instance" ? std::string(" (milink always verifies the managed instance)")
                                              : "; to skip verification set " + t.pointer("trust_server_certificate") +
                                                    " to true instead of ca_file");
      return false;
    }
  }
  if (kind == DriverKind::Microsoft && !t.ca_file.empty()) {
    error = "config " + t.pointer("ca_file") + " is set, but " + t.driver +
            " takes no CA file: it verifies against this machine's trust store. Add the CA there "
            "(/usr/local/share/ca-certificates, then update-ca-certificates) and remove " + t.pointer("ca_file") +
            ", or use the FreeTDS driver";
    return false;
  }

  struct Pair {
    std::string key, value;
    bool secret;
  };
  std::vector<Pair> pairs;
  pairs.push_back({"Driver", t.driver, false});
  if (kind == DriverKind::Microsoft) {
    pairs.push_back({"Server", "tcp:" + t.host + "," + std::to_string(t.port), false});
  } else if (t.verify_certificate) {
    // The CA and the host name check live in a freetds.conf section.
    std::string section;
    if (!freetds_verify_section(t, section, error)) return false;
    pairs.push_back({"Servername", section, false});
  } else {
    pairs.push_back({"Server", t.host, false});
    pairs.push_back({"Port", std::to_string(t.port), false});
  }
  if (!t.user.empty()) pairs.push_back({"UID", t.user, false});
  if (!t.user.empty() || !t.password.empty()) pairs.push_back({"PWD", t.password, true});
  if (kind == DriverKind::Microsoft) {
    std::string encrypt = "yes";
    if (t.encryption == "off") encrypt = "no";
    if (t.encryption == "strict") encrypt = "strict";
    pairs.push_back({"Encrypt", encrypt, false});
    // Only when the config says so explicitly (sqlserver's trust_server_certificate).
    if (t.trust_server_certificate) pairs.push_back({"TrustServerCertificate", "yes", false});
  } else {
    pairs.push_back({"TDS_Version", "7.4", false});
    pairs.push_back({"ClientCharset", "UTF-8", false});
    pairs.push_back({"Encryption", t.encryption.empty() ? "request" : t.encryption, false});
  }
  pairs.push_back({"APP", "milink", false});
  for (auto& k : extra) {
    auto same = std::find_if(pairs.begin(), pairs.end(), [&](const Pair& p) { return keyword_is(p.key, k.key.c_str()); });
    bool secret = sensitive_keyword(k.key);
    if (same != pairs.end()) {
      same->value = k.value;
      same->secret = secret;
    } else {
      pairs.push_back({k.key, k.value, secret});
    }
  }

  ConnectionString cs;
  for (const auto& p : pairs) {
    std::string quoted;
    if (p.key == "Driver") {
      // Driver names are always braced (ODBC convention; "}" cannot occur).
      if (p.value.find('}') != std::string::npos) {
        error = "config " + t.pointer("driver") + " contains '}', which no ODBC driver name can";
        return false;
      }
      quoted = "{" + p.value + "}";
    } else if (!quote_value(p.value, kind, quoted)) {
      if (p.key == "PWD")
        error = "the password of " + t.pointer("password") +
                " contains \"};\", which the FreeTDS driver cannot take in a connection string; change the "
                "password or use ODBC Driver 18 for SQL Server";
      else if (p.key == "UID")
        error = "config " + t.pointer("user") + " contains \"};\", which the FreeTDS driver cannot take";
      else
        error = "config " + t.pointer("connection_string") + ": the value of \"" + p.key +
                "\" contains \"};\", which the FreeTDS driver cannot take";
      return false;
    }
    cs.text += p.key + "=" + quoted + ";";
    cs.redacted += p.key + "=" + (p.secret ? std::string("***") : quoted) + ";";
  }
  out = std::move(cs);
  return true;
}

std::string scrub_secrets(std::string text, const std::vector<std::string>& secrets) {
  std::vector<std::string> forms;
  for (const auto& s : secrets) {
    if (s.empty()) continue;
    forms.push_back(s);
    std::string q;
    if (quote_value(s, DriverKind::Microsoft, q) && q != s) forms.push_back(q);
    if (quote_value(s, DriverKind::FreeTDS, q) && q != s) forms.push_back(q);
  }
  std::sort(forms.begin(), forms.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& f : forms) {
    std::size_t pos = 0;
    while ((pos = text.find(f, pos)) != std::string::npos) {
      text.replace(pos, f.size(), "***");
      pos += 3;
    }
  }
  return text;
}

}  // namespace milink::sql
