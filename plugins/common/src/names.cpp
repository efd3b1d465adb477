#include <milink/link/names.hpp>

#include <milink/sdk/params.hpp>

#include <cstdlib>

namespace milink::link {

namespace {

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

template <typename OnPlaceholder>
std::string walk(const std::string& pattern, const std::string& field, OnPlaceholder on) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '{' && i + 1 < pattern.size() && pattern[i + 1] == '{') {
      out += '{';
      ++i;
    } else if (c == '}' && i + 1 < pattern.size() && pattern[i + 1] == '}') {
      out += '}';
      ++i;
    } else if (c == '{') {
      auto end = pattern.find('}', i);
      if (end == std::string::npos)
        throw milink::sdk::ConfigError(field, "name pattern \"" + pattern + "\" has an unterminated '{'; write {{ for a literal brace");
      std::string key = pattern.substr(i + 1, end - i - 1);
      if (key != "db" && key != "server" && key != "instance")
        throw milink::sdk::ConfigError(field, "name pattern \"" + pattern + "\" uses {" + key +
                                                  "}; the placeholders are {db}, {server} and {instance}");
      out += on(key);
      i = end;
    } else if (c == '}') {
      throw milink::sdk::ConfigError(field, "name pattern \"" + pattern + "\" has a stray '}'; write }} for a literal brace");
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

void check_sysname(const std::string& name, const std::string& field) {
  if (name.empty()) throw milink::sdk::ConfigError(field, "the name is empty");
  if (utf8_length(name) > 128)
    throw milink::sdk::ConfigError(field, "the name \"" + name + "\" is longer than 128 characters (sysname)");
}

bool multi_database_link_name(const std::string& name) {
  if (name.empty() || name.front() == '-' || name.back() == '-') return false;
  for (char ch : name)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) return false;
  return true;
}

void check_pattern(const std::string& pattern, const std::string& field) {
  walk(pattern, field, [](const std::string&) { return std::string("x"); });
}

std::string expand_name(const std::string& pattern, const std::map<std::string, std::string>& vars,
                        const std::string& field) {
  std::string name = walk(pattern, field, [&](const std::string& key) {
    auto it = vars.find(key);
    if (it == vars.end())
      throw milink::sdk::ConfigError(field, "name pattern \"" + pattern + "\" uses {" + key + "}, which this step does not know");
    return it->second;
  });
  check_sysname(name, field);
  return name;
}

std::string default_certificate_name(const std::string& server_name) {
  std::string s = server_name;
  for (auto& c : s)
    if (c == '\\') c = '_';
  return "Cert_" + s + "_endpoint";
}

std::string default_instance_ag_name(const std::string& database) { return "AG_" + database + "_MI"; }

std::string endpoint_url(const std::string& host, long long port) {
  return "TCP://" + host + ":" + std::to_string(port);
}

long long endpoint_url_port(const std::string& url) {
  auto colon = url.rfind(':');
  if (colon == std::string::npos || colon + 1 >= url.size()) return -1;
  std::string digits;
  std::size_t i = colon + 1;
  for (; i < url.size() && url[i] >= '0' && url[i] <= '9'; ++i) digits += url[i];
  if (digits.empty() || digits.size() > 5 || i != url.size()) return -1;  // "TCP://h:5022x" has no port
  return std::atoll(digits.c_str());
}

std::string endpoint_url_host(const std::string& url) {
  auto start = url.find("://");
  if (start == std::string::npos) return {};
  start += 3;
  auto end = url.find_first_of(":;/", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace milink::link
