#include "sql/target_settings.hpp"

#include "sql/connection_string.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace milink::sql {

using milink::sdk::Object;
using milink::sdk::Value;

int TargetSettings::login_timeout_seconds() const {
  return timeout_seconds > 0 ? std::min(timeout_seconds, kDefaultLoginTimeoutSeconds) : kDefaultLoginTimeoutSeconds;
}

int TargetSettings::query_timeout_seconds() const {
  return timeout_seconds > 0 ? timeout_seconds : kDefaultQueryTimeoutSeconds;
}

std::string TargetSettings::address() const { return host + ":" + std::to_string(port); }

std::string TargetSettings::pointer(const std::string& key) const { return "/" + target + "/" + key; }

namespace {

/// A string member; false with \p error when present but not a string.
bool get_string(const TargetSettings& t, const Object& o, const char* key, std::string& out, std::string& error) {
  const Value* v = o.find(key);
  if (v == nullptr || v->is_null()) return true;
  if (!v->is_string()) {
    error = "config " + t.pointer(key) + " must be a string, not " + milink::sdk::kind_name(v->kind());
    return false;
  }
  out = v->as_string();
  return true;
}

/// An integer member in [lo, hi]; accepts a decimal string too.
bool get_int(const TargetSettings& t, const Object& o, const char* key, int lo, int hi, int& out, std::string& error) {
  const Value* v = o.find(key);
  if (v == nullptr || v->is_null()) return true;
  long long n = 0;
  bool ok = false;
  if (v->is_int()) {
    n = v->as_int();
    ok = true;
  } else if (v->is_string() && !v->as_string().empty() && v->as_string().size() < 10 &&
             std::all_of(v->as_string().begin(), v->as_string().end(),
                         [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    n = std::stoll(v->as_string());
    ok = true;
  }
  if (!ok || n < lo || n > hi) {
    error = "config " + t.pointer(key) + " must be an integer from " + std::to_string(lo) + " to " +
            std::to_string(hi);
    return false;
  }
  out = static_cast<int>(n);
  return true;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

/// ca_file, trust_server_certificate and what they make of verification.
bool read_verification(const Object& section, const std::string& config_file, TargetSettings& t, std::string& error) {
  t.ca_file = trim(t.ca_file);
  if (!t.ca_file.empty()) {
    std::filesystem::path p(t.ca_file);
    if (p.is_relative() && !config_file.empty())
      p = std::filesystem::absolute(std::filesystem::path(config_file)).parent_path() / p;
    t.ca_file = p.lexically_normal().string();
  }
  const Value* trust = section.find("trust_server_certificate");
  if (trust != nullptr && !trust->is_null() && !trust->is_bool()) {
    error = "config " + t.pointer("trust_server_certificate") + " must be true or false, not " +
            milink::sdk::kind_name(trust->kind());
    return false;
  }
  t.trust_server_certificate = trust != nullptr && trust->is_bool() && trust->as_bool();
  const bool no_trust = trust != nullptr && trust->is_bool() && !trust->as_bool();
  if (t.trust_server_certificate && t.target == "managed_instance") {
    error = "config " + t.pointer("trust_server_certificate") +
            " is true, but milink always verifies the managed instance's certificate (a real instance's is publicly "
            "trusted); remove the key, and if the instance's CA is not in this machine's trust store set " +
            t.pointer("ca_file") + " to it";
    return false;
  }
  if (t.trust_server_certificate && !t.ca_file.empty()) {
    error = "config " + t.pointer("trust_server_certificate") + " is true, which skips verification, but " +
            t.pointer("ca_file") + " names a CA to verify with; remove one of them";
    return false;
  }
  t.verify_certificate = t.target == "managed_instance" || !t.ca_file.empty() || no_trust;
  if (t.verify_certificate && t.encryption == "off" && t.target != "managed_instance") {
    error = "config " + t.pointer("encryption") + " is off, so there is no TLS certificate to verify with " +
            t.pointer("ca_file") + "; set encryption to request or require";
    return false;
  }
  return true;
}

}  // namespace

bool read_target_settings(const std::string& target, const Object& section, TargetSettings& out, std::string& error,
                          const std::string& config_file) {
  TargetSettings t;
  t.target = target;
  if (!get_string(t, section, "host", t.host, error) || !get_string(t, section, "user", t.user, error) ||
      !get_string(t, section, "password", t.password, error) || !get_string(t, section, "driver", t.driver, error) ||
      !get_string(t, section, "encryption", t.encryption, error) ||
      !get_string(t, section, "connection_string", t.extra, error) ||
      !get_string(t, section, "ca_file", t.ca_file, error) ||
      !get_int(t, section, "port", 1, 65535, t.port, error) ||
      !get_int(t, section, "timeout_seconds", 1, 86400, t.timeout_seconds, error))
    return false;
  t.host = trim(t.host);
  t.driver = trim(t.driver);
  if (t.driver.empty()) t.driver = kDefaultDriver;
  for (auto& c : t.encryption) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  t.encryption = trim(t.encryption);

  // connection_string must parse, and tells whether the login is integrated
  // (Trusted_Connection / Authentication), which needs no user or password.
  std::vector<Keyword> extra;
  if (!parse_keywords(t.extra, extra, error)) {
    error = "config " + t.pointer("connection_string") + ": " + error;
    return false;
  }
  bool integrated = false;
  for (const auto& k : extra)
    integrated |= keyword_is(k.key, "Trusted_Connection") || keyword_is(k.key, "Authentication");

  if (t.host.empty()) {
    error = "config " + t.pointer("host") + " is not set: milink needs the host to connect to for T-SQL (e.g. "
            "\"sql01.contoso.com\" or \"10.0.0.4\")";
    return false;
  }
  if (!integrated && t.user.empty()) {
    error = "config " + t.pointer("user") + " is not set: milink logs in with SQL authentication and needs the "
            "login name";
    return false;
  }
  if (!integrated && section.find("password") == nullptr) {
    error = "config " + t.pointer("password") +
            " is not set: use a secret reference such as {\"from_env\": \"MILINK_SQL_PASSWORD\"}";
    return false;
  }
  if (!t.encryption.empty() && t.encryption != "off" && t.encryption != "request" && t.encryption != "require" &&
      t.encryption != "strict") {
    error = "config " + t.pointer("encryption") + " is \"" + t.encryption +
            "\"; use off, request or require (strict only with ODBC Driver 18 for SQL Server)";
    return false;
  }
  if (!read_verification(section, config_file, t, error)) return false;
  out = std::move(t);
  return true;
}

}  // namespace milink::sql
