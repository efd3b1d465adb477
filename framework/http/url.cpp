#include "http/url.hpp"

#include <Poco/Net/IPAddress.h>

#include <algorithm>
#include <cctype>

namespace milink::http {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
}  // namespace

std::string Url::origin() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
  return scheme + "://" + h + (default_port ? std::string() : ":" + std::to_string(port));
}

std::string Url::display() const {
  std::string path = path_and_query.substr(0, path_and_query.find('?'));
  return origin() + path;
}

bool parse_url(const std::string& text, Url& out, std::string& error) {
  Url u;
  auto sep = text.find("://");
  if (sep == std::string::npos) {
    error = "\"" + text + "\" is not an absolute URL (expected https://host/...)";
    return false;
  }
  u.scheme = lower(text.substr(0, sep));
  if (u.scheme != "https" && u.scheme != "http") {
    error = "URL scheme \"" + u.scheme + "\" is not supported (https:// only; http:// for loopback)";
    return false;
  }
  std::size_t auth_begin = sep + 3;
  std::size_t auth_end = text.find_first_of("/?#", auth_begin);
  if (auth_end == std::string::npos) auth_end = text.size();
  std::string authority = text.substr(auth_begin, auth_end - auth_begin);
  if (authority.find('@') != std::string::npos) {
    error = "URL with user information is not supported: put credentials in a credential provider, not in URLs";
    return false;
  }
  std::string port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos) {
      error = "malformed IPv6 host in URL \"" + text + "\"";
      return false;
    }
    u.host = authority.substr(1, close - 1);
    std::string rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        error = "malformed host in URL \"" + text + "\"";
        return false;
      }
      port_text = rest.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    if (colon != std::string::npos) {
      u.host = authority.substr(0, colon);
      port_text = authority.substr(colon + 1);
    } else {
      u.host = authority;
    }
  }
  u.host = lower(u.host);
  if (u.host.empty()) {
    error = "URL \"" + text + "\" has no host";
    return false;
  }
  if (!port_text.empty()) {
    if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(), [](unsigned char c) { return std::isdigit(c); })) {
      error = "URL \"" + text + "\" has an invalid port";
      return false;
    }
    long p = std::stol(port_text);
    if (p < 1 || p > 65535) {
      error = "URL \"" + text + "\" has an invalid port";
      return false;
    }
    u.port = static_cast<std::uint16_t>(p);
  } else {
    u.port = u.scheme == "https" ? 443 : 80;
  }
  std::string rest = text.substr(auth_end);
  rest = rest.substr(0, rest.find('#'));
  if (rest.empty() || rest.front() == '?') rest = "/" + rest;
  u.path_and_query = rest;
  out = std::move(u);
  return true;
}

bool is_loopback_host(const std::string& host) {
  std::string h = lower(host);
  if (h == "localhost") return true;
  Poco::Net::IPAddress ip;
  return Poco::Net::IPAddress::tryParse(h, ip) && ip.isLoopback();
}

bool plain_http_allowed(const std::string& host) { return is_loopback_host(host) || host == "169.254.169.254"; }

}  // namespace milink::http
