// azure-cli: the token of whoever is logged in to the Azure CLI on this
// machine, from `az account get-access-token --output json`.
#include "process.hpp"
#include "providers.hpp"

#include <Poco/DateTime.h>
#include <Poco/DateTimeParser.h>
#include <Poco/LocalDateTime.h>

#include <cctype>
#include <cstdio>
#include <ctime>

namespace milink::credentials {

sdk::ProviderSpec AzureCliCredential::spec() {
  sdk::ProviderSpec s;
  s.kind = "credential";
  s.name = "azure-cli";
  s.summary = "The Azure CLI's signed-in account (az account get-access-token)";
  s.params = {
      sdk::Param::string("tenant_id")
          .doc("Tenant to get the token for (az --tenant); default: the config's azure.tenant_id, else az's default"),
      sdk::Param::string("az_path").doc("Path of the az executable; default: az found on PATH"),
      sdk::Param::integer("timeout_seconds").defaults_to(sdk::Value(30)).doc("How long az may take before it is stopped"),
  };
  return s;
}

std::unique_ptr<AzureCliCredential> AzureCliCredential::create(const sdk::Params& p) {
  Options o;
  o.az_path = param_or_empty(p, "az_path");
  o.tenant_id = param_or_empty(p, "tenant_id");
  if (auto t = p.optional_integer("timeout_seconds")) {
    if (*t < 1 || *t > 600) throw sdk::ConfigError("timeout_seconds", "timeout_seconds must be between 1 and 600");
    o.timeout_seconds = static_cast<int>(*t);
  }
  if (!o.tenant_id.empty()) check_tenant_id(o.tenant_id, "tenant_id");
  return std::make_unique<AzureCliCredential>(std::move(o));
}

namespace {

/// "YYYY-MM-DD HH:MM:SS[.ffffff]" in local time (older az) to Unix time.
std::optional<std::int64_t> parse_local_time(const std::string& text) {
  Poco::DateTime t;
  int tzd = 0;
  if (!Poco::DateTimeParser::tryParse("%Y-%m-%d %H:%M:%S", text.substr(0, 19), t, tzd)) return std::nullopt;
  // The zone's offset on that date (daylight saving included), as mktime.
  const Poco::LocalDateTime local(t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second());
  return static_cast<std::int64_t>(local.timestamp().epochTime());
}

/// The line of az's stderr that says what went wrong: the first "ERROR:"
/// line, else the first non-empty one (az prints WARNINGs first at times).
std::string az_error_line(const std::string& err) {
  std::string first;
  std::size_t start = 0;
  while (start < err.size()) {
    std::size_t end = err.find('\n', start);
    if (end == std::string::npos) end = err.size();
    std::string line = trim(err.substr(start, end - start));
    start = end + 1;
    if (line.empty()) continue;
    if (starts_with(line, "ERROR:")) return first_line(line);
    if (first.empty()) first = first_line(line);
  }
  return first;
}

void check_resource(const std::string& resource) {
  if (resource.empty() || resource[0] == '-')
    throw CredentialError("the resource '" + resource + "' cannot be passed to az");
  for (unsigned char c : resource)
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '/'))
      throw CredentialError("the resource '" + resource +
                            "' has characters az does not accept in --resource; use a URL like https://management.azure.com/");
}

}  // namespace

sdk::AccessToken AzureCliCredential::fetch(const sdk::TokenRequest& request, sdk::HttpClient&) {
  std::string az = o_.az_path;
  if (az.empty()) {
    az = find_on_path("az");
    if (az.empty())
      throw CredentialError(
          "the Azure CLI (az) was not found on PATH; install it (https://aka.ms/installazurecli) and run `az login`, "
          "set az_path, or choose another credential provider");
  }
  check_resource(request.resource);
  const std::string tenant = !o_.tenant_id.empty() ? o_.tenant_id : request.tenant_id;
  std::vector<std::string> args{"account", "get-access-token", "--resource", request.resource};
  if (!tenant.empty()) {
    check_tenant_id(tenant, o_.tenant_id.empty() ? "the config's azure.tenant_id" : "tenant_id");
    args.insert(args.end(), {"--tenant", tenant});
  }
  args.insert(args.end(), {"--output", "json"});
  const std::string command = "az account get-access-token --resource " + request.resource +
                              (tenant.empty() ? "" : " --tenant " + tenant);

  ProcessResult r = run_process(az, args, o_.timeout_seconds);
  if (r.timed_out)
    throw CredentialError("`" + command + "` did not finish within " + std::to_string(o_.timeout_seconds) +
                          " s and was stopped; run it yourself to see whether it waits for input or the network, "
                          "or raise timeout_seconds");
  if (r.exit_code != 0 && r.exit_code != -1) {
    std::string line = az_error_line(r.err);
    if (line.empty()) line = "no message on stderr";
    std::string remedy;
    if (line.find("az login") != std::string::npos || line.find("AADSTS") != std::string::npos)
      remedy = "run `az login" + (tenant.empty() ? std::string() : " --tenant " + tenant) +
               "` as the user that runs milink, then retry";
    else
      remedy = "run `" + command + "` yourself to see the whole error";
    throw CredentialError("the Azure CLI could not get a token (az exited with " + std::to_string(r.exit_code) +
                          "): " + line + "; " + remedy);
  }
  auto obj = parse_object(r.out);
  if (!obj)
    throw CredentialError("`" + command + "` printed something that is not the expected JSON; is " + az +
                          " the Azure CLI (az version 2.x)?");
  sdk::AccessToken t;
  t.token = string_member(*obj, "accessToken");
  if (t.token.empty()) throw CredentialError("`" + command + "` printed JSON without an accessToken");
  if (auto on = seconds_value(obj->find("expires_on")); on && *on > 0) {
    t.expires_on = *on;
  } else if (auto local = parse_local_time(string_member(*obj, "expiresOn"))) {
    t.expires_on = *local;
  } else {
    throw CredentialError("`" + command + "` printed JSON without a usable expires_on or expiresOn");
  }
  return t;
}

}  // namespace milink::credentials
