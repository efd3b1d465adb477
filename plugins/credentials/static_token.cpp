// static-token: a token obtained elsewhere (an air-gapped pipeline hands it
// over in a variable or a file). Its expiry is the JWT's exp claim, else
// expires_in_seconds from when it was read.
#include "providers.hpp"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/JWT/Token.h>
#include <Poco/Timestamp.h>

#include <ctime>

namespace milink::credentials {

namespace {
constexpr std::size_t kMaxTokenFile = 64 * 1024;

std::string utc(std::int64_t t) {
  return Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(t)),
                                         "%Y-%m-%dT%H:%M:%SZ");
}
}  // namespace

std::optional<std::int64_t> jwt_expiry(const std::string& token) {
  try {
    const Poco::JWT::Token jwt(token);  // reads header and claims; the signature is Entra's business
    if (!jwt.payload().has(Poco::JWT::Token::CLAIM_EXPIRATION)) return std::nullopt;
    const std::int64_t exp = jwt.getExpiration().epochTime();
    if (exp <= 0) return std::nullopt;
    return exp;
  } catch (const Poco::Exception&) {
    return std::nullopt;  // not a JWT: an opaque token
  }
}

sdk::ProviderSpec StaticTokenCredential::spec() {
  sdk::ProviderSpec s;
  s.kind = "credential";
  s.name = "static-token";
  s.summary = "A token obtained elsewhere, from an environment variable or a file (air-gapped pipelines)";
  s.params = {
      sdk::Param::string("env").doc("Name of the environment variable holding the token"),
      sdk::Param::string("file").doc("File holding the token (re-read on every request)"),
      sdk::Param::integer("expires_in_seconds")
          .defaults_to(sdk::Value(3600))
          .doc("Lifetime assumed when the token is not a JWT with an exp claim"),
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
