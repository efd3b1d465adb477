// static-token: a token obtained elsewhere (an air-gapped pipeline hands it
// over in a variable or a file). Its expiry is the JWT's exp claim, else
// expires_in_seconds from when it was read.
#include "providers.hpp"

#include <milink/sdk/base64.hpp>
#include <milink/sdk/json.hpp>

#include <ctime>

namespace milink::credentials {

namespace {
constexpr std::size_t kMaxTokenFile = 64 * 1024;

std::string utc(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}
}  // namespace

std::optional<std::int64_t> jwt_expiry(const std::string& token) {
  std::size_t a = token.find('.');
  if (a == std::string::npos) return std::nullopt;
  std::size_t b = token.find('.', a + 1);
  if (b == std::string::npos || token.find('.', b + 1) != std::string::npos) return std::nullopt;
  auto payload = sdk::base64::decode(token.substr(a + 1, b - a - 1), sdk::base64::Alphabet::url);
  if (!payload) return std::nullopt;
  auto obj = parse_object(*payload);
  if (!obj) return std::nullopt;
  auto exp = seconds_value(obj->find("exp"));
  if (!exp || *exp <= 0) return std::nullopt;
  return exp;
}

sdk::ProviderSpec StaticTokenCredential::spec() {
  sdk::ProviderSpec s;
  s.kind = "credential";
  s.name = "static-token";
  s.summary = "A token obtained elsewhere, from an environment variable or a file (air-gapped pipelines)";
  s.params = {
      param("env", sdk::ValueType::String, false, {}, "Name of the environment variable holding the token"),
      param("file", sdk::ValueType::String, false, {}, "File holding the token (re-read on every request)"),
      param("expires_in_seconds", sdk::ValueType::Integer, false, sdk::Value(3600),
            "Lifetime assumed when the token is not a JWT with an exp claim"),
  };
  return s;
}

std::unique_ptr<StaticTokenCredential> StaticTokenCredential::create(const sdk::Params& p) {
  Options o;
  o.env_name = param_or_empty(p, "env");
  o.file = param_or_empty(p, "file");
  if (o.env_name.empty() == o.file.empty())
    throw sdk::ConfigError(o.env_name.empty() ? "env" : "file",
                           "static-token needs exactly one of env (a variable name) and file (a path)");
  if (auto e = p.optional_integer("expires_in_seconds")) {
    if (*e < 1) throw sdk::ConfigError("expires_in_seconds", "expires_in_seconds must be positive");
    o.expires_in_seconds = *e;
  }
  if (!o.env_name.empty()) {
    o.env_token = trim(env(o.env_name.c_str()));
    if (o.env_token.empty())
      throw CredentialError("static-token: environment variable " + o.env_name + " is not set or empty");
  }
  return std::make_unique<StaticTokenCredential>(std::move(o));
}

sdk::AccessToken StaticTokenCredential::fetch(const sdk::TokenRequest&, sdk::HttpClient&) {
  sdk::AccessToken t;
  std::string where;
  if (!o_.file.empty()) {
    t.token = trim(read_small_file(o_.file, kMaxTokenFile, "token file"));
    where = "the token in " + o_.file;
    if (t.token.empty()) throw CredentialError("static-token: the token file " + o_.file + " is empty");
  } else {
    t.token = o_.env_token;
    where = "the token in " + o_.env_name;
  }
  const std::int64_t now = unix_now();
  if (auto exp = jwt_expiry(t.token)) {
    if (*exp <= now)
      throw CredentialError("static-token: " + where + " expired at " + utc(*exp) + "; hand over a fresh token");
    t.expires_on = *exp;
  } else {
    t.expires_on = now + o_.expires_in_seconds;
  }
  return t;
}

}  // namespace milink::credentials
