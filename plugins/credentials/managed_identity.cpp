// managed-identity: the identity Azure gives the machine or app milink runs
// on. The source is chosen the way the Azure SDKs choose it:
//   IDENTITY_ENDPOINT + IDENTITY_HEADER      App Service / Functions / Container Apps (2019-08-01)
//   IDENTITY_ENDPOINT + IMDS_ENDPOINT, or    Azure Arc (2019-11-01, 401 challenge with a local key file)
//     /opt/azcmagent/bin/himds exists
//   otherwise                                IMDS on Azure VMs (2018-02-01)
#include "providers.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <sys/stat.h>
#include <thread>

namespace milink::credentials {

namespace {

constexpr const char* kImdsEndpoint = "http://169.254.169.254/metadata/identity/oauth2/token";
constexpr const char* kArcEndpoint = "http://127.0.0.1:40342/metadata/identity/oauth2/token";
constexpr const char* kHimdsPath = "/opt/azcmagent/bin/himds";
constexpr std::size_t kArcKeyMaxBytes = 4096;

const char* source_name(ManagedIdentityCredential::Source s) {
  switch (s) {
    case ManagedIdentityCredential::Source::AppService: return "App Service managed identity";
    case ManagedIdentityCredential::Source::Arc: return "Azure Arc managed identity";
    case ManagedIdentityCredential::Source::Imds: return "IMDS managed identity";
  }
  return "managed identity";
}

void check_endpoint(const std::string& url, const std::string& where) {
  if (!(starts_with(url, "http://") || starts_with(url, "https://")) || url.size() < 9)
    throw CredentialError("the managed identity endpoint '" + url + "' (from " + where + ") is not an http(s):// URL");
}

bool file_exists(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0;
}

bool retryable(int status) {
  return status == 404 || status == 408 || status == 410 || status == 429 || status >= 500;
}

/// The human part of an error body from IMDS, App Service or Arc.
std::string error_text(const std::string& body) {
  auto obj = parse_object(body);
  if (!obj) return first_line(body, 200);
  std::string code = string_member(*obj, "error");
  std::string desc = string_member(*obj, "error_description");
  if (desc.empty()) desc = string_member(*obj, "message");
  if (const sdk::Value* e = obj->find("error"); e != nullptr && e->is_object()) {
    code = e->get("code") && e->get("code")->is_string() ? e->get("code")->as_string() : "";
    desc = e->get("message") && e->get("message")->is_string() ? e->get("message")->as_string() : "";
  }
  desc = first_line(desc);
  if (!code.empty() && !desc.empty()) return code + ": " + desc;
  return !desc.empty() ? desc : code;
}

}  // namespace

sdk::ProviderSpec ManagedIdentityCredential::spec() {
  sdk::ProviderSpec s;
  s.kind = "credential";
  s.name = "managed-identity";
  s.summary = "The Azure managed identity of this VM, App Service/Container App or Azure Arc machine";
  s.params = {
      sdk::Param::string("client_id").doc("Client ID of a user-assigned identity"),
      sdk::Param::string("object_id").doc("Object (principal) ID of a user-assigned identity"),
      sdk::Param::string("resource_id").doc("ARM resource ID of a user-assigned identity"),
      sdk::Param::string("source")
          .defaults_to(sdk::Value("auto"))
          .choices({"auto", "imds", "app-service", "arc"})
          .doc("Where the identity comes from; auto chooses like the Azure SDKs (IDENTITY_ENDPOINT/IDENTITY_HEADER, "
               "IMDS_ENDPOINT, the himds agent, else IMDS)"),
      sdk::Param::string("endpoint").doc("Token endpoint URL overriding the chosen source's (e.g. an emulator's IMDS)"),
      sdk::Param::string("arc_key_directory")
          .defaults_to(sdk::Value("/var/opt/azcmagent/tokens/"))
          .doc("The only directory an Azure Arc challenge may point into"),
      sdk::Param::integer("max_retries")
          .defaults_to(sdk::Value(3))
          .doc("Retries after HTTP 404/408/410/429/5xx from the endpoint"),
      sdk::Param::integer("retry_delay_ms").defaults_to(sdk::Value(500)).doc("First retry delay; doubles on each retry"),
  };
  return s;
}

ManagedIdentityCredential::Options ManagedIdentityCredential::choose(const std::string& forced,
                                                                     const std::string& endpoint) {
  Options o;
  const std::string identity_endpoint = env("IDENTITY_ENDPOINT");
  const std::string identity_header = env("IDENTITY_HEADER");
  const std::string imds_endpoint = env("IMDS_ENDPOINT");
  const std::string where_param = "the endpoint parameter";

  auto app_service = [&](const std::string& why) {
    o.source = Source::AppService;
    o.endpoint = !endpoint.empty() ? endpoint : identity_endpoint;
    o.identity_header = identity_header;
    o.why = why;
    if (o.endpoint.empty())
      throw CredentialError("App Service managed identity needs IDENTITY_ENDPOINT (or the endpoint parameter)");
    if (o.identity_header.empty())
      throw CredentialError("App Service managed identity needs IDENTITY_HEADER; is a managed identity enabled on the app?");
    check_endpoint(o.endpoint, endpoint.empty() ? "IDENTITY_ENDPOINT" : where_param);
  };
  auto arc = [&](const std::string& default_endpoint, const std::string& why) {
    o.source = Source::Arc;
    o.endpoint = !endpoint.empty() ? endpoint : !default_endpoint.empty() ? default_endpoint : kArcEndpoint;
    o.why = why;
    check_endpoint(o.endpoint, endpoint.empty() ? "IDENTITY_ENDPOINT" : where_param);
  };
  auto imds = [&](const std::string& why) {
    o.source = Source::Imds;
    const std::string pod_host = env("AZURE_POD_IDENTITY_AUTHORITY_HOST");
    if (!endpoint.empty()) {
      o.endpoint = endpoint;
    } else if (!pod_host.empty()) {
      std::string h = pod_host;
      while (!h.empty() && h.back() == '/') h.pop_back();
      o.endpoint = h + "/metadata/identity/oauth2/token";
    } else {
      o.endpoint = kImdsEndpoint;
    }
    o.why = why;
    check_endpoint(o.endpoint, !endpoint.empty() ? where_param : !pod_host.empty() ? "AZURE_POD_IDENTITY_AUTHORITY_HOST" : "");
  };

  if (forced == "app-service") {
    app_service("source is app-service");
  } else if (forced == "arc") {
    arc(identity_endpoint, "source is arc");
  } else if (forced == "imds") {
    imds("source is imds");
  } else if (!identity_endpoint.empty() && !identity_header.empty()) {
    if (!env("IDENTITY_SERVER_THUMBPRINT").empty())
      throw CredentialError("IDENTITY_ENDPOINT, IDENTITY_HEADER and IDENTITY_SERVER_THUMBPRINT are set: this is a "
                            "Service Fabric managed identity, which milink does not support; use another credential "
                            "provider (client-certificate, workload-identity)");
    app_service("IDENTITY_ENDPOINT and IDENTITY_HEADER are set");
  } else if (!identity_endpoint.empty() && !imds_endpoint.empty()) {
    arc(identity_endpoint, "IDENTITY_ENDPOINT and IMDS_ENDPOINT are set");
  } else if (endpoint.empty() && file_exists(kHimdsPath)) {
    arc("", std::string("the Azure Connected Machine agent is installed (") + kHimdsPath + ")");
  } else {
    imds(endpoint.empty() ? "no App Service or Azure Arc variables are set" : "the endpoint parameter is set");
  }
  return o;
}

std::unique_ptr<ManagedIdentityCredential> ManagedIdentityCredential::create(const sdk::Params& p) {
  const std::string forced = p.has("source") ? p.string("source") : std::string("auto");
  if (forced != "auto" && forced != "imds" && forced != "app-service" && forced != "arc")
    throw sdk::ConfigError("source", "source must be auto, imds, app-service or arc");
  Options o = choose(forced, param_or_empty(p, "endpoint"));
  o.client_id = param_or_empty(p, "client_id");
  o.object_id = param_or_empty(p, "object_id");
  o.resource_id = param_or_empty(p, "resource_id");
  if (int(!o.client_id.empty()) + int(!o.object_id.empty()) + int(!o.resource_id.empty()) > 1)
    throw sdk::ConfigError("client_id", "set at most one of client_id, object_id and resource_id");
  if (o.source == Source::Arc && (!o.client_id.empty() || !o.object_id.empty() || !o.resource_id.empty()))
    throw CredentialError("Azure Arc supports only the machine's system-assigned identity (" + o.why +
                          "); remove client_id/object_id/resource_id");
  if (auto d = p.optional_string("arc_key_directory"); d && !d->empty()) o.arc_key_directory = *d;
  if (o.arc_key_directory.empty() || o.arc_key_directory[0] != '/')
    throw sdk::ConfigError("arc_key_directory", "arc_key_directory must be an absolute path");
  if (o.arc_key_directory.back() != '/') o.arc_key_directory += '/';
  if (auto r = p.optional_integer("max_retries")) {
    if (*r < 0 || *r > 10) throw sdk::ConfigError("max_retries", "max_retries must be between 0 and 10");
    o.max_retries = static_cast<int>(*r);
  }
  if (auto d = p.optional_integer("retry_delay_ms")) {
    if (*d < 0 || *d > 60000) throw sdk::ConfigError("retry_delay_ms", "retry_delay_ms must be between 0 and 60000");
    o.retry_delay_ms = static_cast<int>(*d);
  }
  return std::make_unique<ManagedIdentityCredential>(std::move(o));
}

namespace {

/// Sends with retries on 404/408/410/429/5xx (exponential backoff, honouring a
/// numeric Retry-After up to 10 s). Transport failures are not retried.
sdk::HttpResponse send_with_retry(sdk::HttpClient& http, const sdk::HttpRequest& req,
                                  const ManagedIdentityCredential::Options& o, const std::string& what,
                                  const std::string& hint) {
  for (int attempt = 0;; ++attempt) {
    sdk::HttpResponse resp = send_or_throw(http, req, what, hint);
    if (!retryable(resp.status) || attempt >= o.max_retries) return resp;
    long long delay = static_cast<long long>(o.retry_delay_ms) << attempt;
    if (const std::string* ra = resp.header("Retry-After")) {
      sdk::Value v(*ra);
      if (auto secs = seconds_value(&v)) delay = std::max(delay, std::min<long long>(*secs, 10) * 1000);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  }
}

/// Validates the key file an Azure Arc 401 challenge names and reads it.
std::string read_arc_key(const sdk::HttpResponse& resp, const std::string& dir) {
  const std::string* challenge = resp.header("WWW-Authenticate");
  if (challenge == nullptr)
    throw CredentialError("the Azure Arc endpoint answered 401 without a WWW-Authenticate header; is the Azure "
                          "Connected Machine agent (himds) up to date?");
  std::string lower = *challenge;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const std::string marker = "basic realm=";
  std::size_t at = lower.find(marker);
  if (at == std::string::npos)
    throw CredentialError("the Azure Arc endpoint's challenge is not 'Basic realm=<key file>'; refusing it");
  std::string path = trim(challenge->substr(at + marker.size()));
  if (path.size() >= 2 && path.front() == '"' && path.back() == '"') path = path.substr(1, path.size() - 2);

  const std::string name = starts_with(path, dir) ? path.substr(dir.size()) : std::string();
  if (name.empty() || name.find('/') != std::string::npos || name == ".key" || !ends_with(name, ".key") ||
      name.find('\0') != std::string::npos)
    throw CredentialError("refused the Azure Arc challenge: the key file it names (" + path +
                          ") is not a .key file directly inside " + dir +
                          "; only the Arc agent's token directory is trusted (set arc_key_directory if it differs)");
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0)
    throw CredentialError("the Azure Arc key file " + path + " does not exist or cannot be examined; is the user "
                          "running milink in the 'himds' group (or root)?");
  if (!S_ISREG(st.st_mode))
    throw CredentialError("refused the Azure Arc challenge: " + path + " is not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > kArcKeyMaxBytes)
    throw CredentialError("refused the Azure Arc challenge: " + path + " is larger than " +
                          std::to_string(kArcKeyMaxBytes) + " bytes");
  try {
    return read_small_file(path, kArcKeyMaxBytes, "Azure Arc key file");
  } catch (const CredentialError& e) {
    throw CredentialError(std::string(e.what()) + " (the Arc agent makes it readable to root and the 'himds' group)");
  }
}

std::string describe_failure(const ManagedIdentityCredential::Options& o, const sdk::HttpResponse& resp, int attempts) {
  std::string msg = std::string(source_name(o.source)) + ": " + url_origin(o.endpoint) + " answered HTTP " +
                    std::to_string(resp.status);
  if (!resp.reason.empty()) msg += " " + resp.reason;
  if (attempts > 1) msg += " after " + std::to_string(attempts) + " attempts";
  std::string text = error_text(resp.body);
  if (!text.empty()) msg += ": " + text;
  msg += "; ";
  if (resp.status == 410) {
    msg += "IMDS is being updated; retry in a minute or two";
  } else if (resp.status == 429) {
    msg += "the endpoint is throttling requests; retry later";
  } else if (resp.status >= 500) {
    msg += "the endpoint had an internal error; retry later";
  } else if (o.source == ManagedIdentityCredential::Source::Imds) {
    msg += (o.client_id.empty() && o.object_id.empty() && o.resource_id.empty())
               ? "check that this VM has a system-assigned managed identity (or set client_id for a user-assigned one)"
               : "check that the user-assigned identity named by client_id/object_id/resource_id is attached to this VM";
  } else if (o.source == ManagedIdentityCredential::Source::AppService) {
    msg += "check that a managed identity is enabled on the app (and that client_id names one assigned to it)";
  } else {
    msg += "check that the machine is connected to Azure Arc (azcmagent show)";
  }
  return msg;
}

}  // namespace

sdk::AccessToken ManagedIdentityCredential::fetch(const sdk::TokenRequest& request, sdk::HttpClient& http) {
  std::vector<std::pair<std::string, std::string>> query;
  sdk::HttpRequest req;
  req.method = "GET";
  req.timeout_seconds = 30;
  std::string hint;
  switch (o_.source) {
    case Source::AppService:
      query = {{"api-version", "2019-08-01"}, {"resource", request.resource}};
      if (!o_.client_id.empty()) query.emplace_back("client_id", o_.client_id);
      if (!o_.object_id.empty()) query.emplace_back("object_id", o_.object_id);
      if (!o_.resource_id.empty()) query.emplace_back("mi_res_id", o_.resource_id);
      req.headers = {{"X-IDENTITY-HEADER", o_.identity_header}};
      hint = "check IDENTITY_ENDPOINT (" + o_.why + ")";
      break;
    case Source::Arc:
      query = {{"api-version", "2019-11-01"}, {"resource", request.resource}};
      req.headers = {{"Metadata", "true"}};
      hint = "is the Azure Connected Machine agent (himds) running? (" + o_.why + ")";
      break;
    case Source::Imds:
      query = {{"api-version", "2018-02-01"}, {"resource", request.resource}};
      if (!o_.client_id.empty()) query.emplace_back("client_id", o_.client_id);
      if (!o_.object_id.empty()) query.emplace_back("object_id", o_.object_id);
      if (!o_.resource_id.empty()) query.emplace_back("msi_res_id", o_.resource_id);
      req.headers = {{"Metadata", "true"}};
      hint = "IMDS exists only on Azure VMs and scale sets; elsewhere choose another credential provider (" + o_.why + ")";
      break;
  }
  req.url = append_query(o_.endpoint, query);
  const std::string what = std::string("the ") + source_name(o_.source) + " endpoint";
  std::vector<std::string> secrets{o_.identity_header};
  try {
    sdk::HttpResponse resp = send_with_retry(http, req, o_, what, hint);
    if (o_.source == Source::Arc && resp.status == 401) {
      std::string key = read_arc_key(resp, o_.arc_key_directory);
      secrets.push_back(key);
      req.headers.push_back({"Authorization", "Basic " + key});
      resp = send_with_retry(http, req, o_, what, hint);
    }
    if (resp.status < 200 || resp.status >= 300) {
      const int attempts = retryable(resp.status) ? o_.max_retries + 1 : 1;
      throw CredentialError(describe_failure(o_, resp, attempts));
    }
    return parse_token_response(resp.body, std::string(source_name(o_.source)) + " endpoint " + url_origin(o_.endpoint));
  } catch (const CredentialError& e) {
    throw CredentialError(redact(e.what(), secrets));
  }
}

}  // namespace milink::credentials
