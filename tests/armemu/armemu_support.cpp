#include "armemu_support.hpp"

#include "identity/jwt.hpp"
#include "state/time_util.hpp"
#include "state/x509.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/StreamCopier.h>

#include <catch2/catch.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <cctype>
#include <mutex>
#include <thread>

namespace armemu {

namespace {

Reply exchange(Poco::Net::HTTPClientSession& session, const std::string& method, const std::string& target,
               const std::string& body, const Headers& headers) {
  session.setTimeout(Poco::Timespan(15, 0));
  Poco::Net::HTTPRequest req(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    if (!req.has("Content-Type")) req.setContentType("application/json");
  }
  std::ostream& out = session.sendRequest(req);
  out << body;
  Poco::Net::HTTPResponse resp;
  std::istream& in = session.receiveResponse(resp);
  Reply r;
  r.status = static_cast<int>(resp.getStatus());
  for (const auto& [k, v] : resp) r.headers.emplace_back(k, v);
  Poco::StreamCopier::copyToString(in, r.body);
  return r;
}

bool ieq(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string encode_b64url(const unsigned char* p, std::size_t n) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < n; i += 3) {
    unsigned v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
    out += a[(v >> 18) & 63];
    out += a[(v >> 12) & 63];
    out += a[(v >> 6) & 63];
    out += a[v & 63];
  }
  if (n - i == 1) {
    unsigned v = p[i] << 16;
    out += a[(v >> 18) & 63];
    out += a[(v >> 12) & 63];
  } else if (n - i == 2) {
    unsigned v = (p[i] << 16) | (p[i + 1] << 8);
    out += a[(v >> 18) & 63];
    out += a[(v >> 12) & 63];
    out += a[(v >> 6) & 63];
  }
  return out;
}

}  // namespace

std::string Reply::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (ieq(k, name)) return v;
  return {};
}

bool Reply::has_header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (ieq(k, name)) return true;
  return false;
}

Value Reply::json() const {
  if (body.empty()) return Value();
  try {
    return milink::sdk::parse_json(body, "<reply>");
  } catch (const std::exception& e) {
    FAIL("reply is not JSON: " << e.what() << "\n" << body);
  }
  return Value();
}

std::string Reply::error_code() const {
  Value v = json();
  const Value* e = v.get("error");
  if (!e) return {};
  if (e->is_string()) return e->as_string();
  const Value* c = e->get("code");
  return c && c->is_string() ? c->as_string() : std::string();
}

std::string Reply::error_message() const {
  Value v = json();
  if (const Value* d = v.get("error_description"); d && d->is_string()) return d->as_string();
  const Value* e = v.get("error");
  const Value* m = e ? e->get("message") : nullptr;
  return m && m->is_string() ? m->as_string() : std::string();
}

Reply https(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body,
            const Headers& headers, const std::string& ca_file, const std::string& host) {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
  Poco::Net::Context::Params params;
  params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
  params.loadDefaultCAs = ca_file.empty();
  params.caLocation = ca_file;
  Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  Poco::Net::HTTPSClientSession session(host, port, ctx);
  return exchange(session, method, target, body, headers);
}

Reply http(std::uint16_t port, const std::string& method, const std::string& target, const Headers& headers,
           const std::string& body) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  return exchange(session, method, target, body, headers);
}

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += k + "=";
    for (unsigned char c : v) {
      if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
        out += static_cast<char>(c);
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
  }
  return out;
}

std::string base64url(const std::string& bytes) {
  return encode_b64url(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}
std::string base64url(const std::vector<unsigned char>& bytes) { return encode_b64url(bytes.data(), bytes.size()); }

std::string sha1_b64url(const std::vector<unsigned char>& der) {
  unsigned char d[SHA_DIGEST_LENGTH];
  SHA1(der.data(), der.size(), d);
  return encode_b64url(d, sizeof d);
}

std::string sha256_b64url(const std::vector<unsigned char>& der) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(der.data(), der.size(), d);
  return encode_b64url(d, sizeof d);
}

std::vector<unsigned char> pem_certificate_der(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  REQUIRE(x);
  int len = i2d_X509(x, nullptr);
  std::vector<unsigned char> der(static_cast<std::size_t>(len));
  unsigned char* p = der.data();
  i2d_X509(x, &p);
  X509_free(x);
  return der;
}

std::string sign_jwt(const Object& header, const Object& claims, const std::string& private_key_pem,
                     const std::string& alg) {
  const auto key = milink::emulator::identity::RsaKey::from_private_pem(private_key_pem);
  REQUIRE(key.valid());
  return milink::emulator::identity::sign_jwt(header, claims, key, alg);
}

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Value jwt_part(const std::string& token, int index) {
  auto jwt = milink::emulator::identity::parse_jwt(token);
  REQUIRE(jwt);
  return Value(index == 0 ? jwt->header : jwt->claims);
}

std::vector<unsigned char> public_key_der(const std::vector<unsigned char>& cert_der) {
  const unsigned char* p = cert_der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(cert_der.size()));
  REQUIRE(x);
  EVP_PKEY* k = X509_get0_pubkey(x);
  int len = i2d_PUBKEY(k, nullptr);
  std::vector<unsigned char> out(static_cast<std::size_t>(len));
  unsigned char* w = out.data();
  i2d_PUBKEY(k, &w);
  X509_free(x);
  return out;
}

std::string hex(const std::vector<unsigned char>& bytes) {
  static const char* d = "0123456789ABCDEF";
  std::string out;
  for (auto b : bytes) {
    out += d[b >> 4];
    out += d[b & 15];
  }
  return out;
}

TestCert make_cert(const std::string& cn) {
  using namespace milink::emulator;
  CertificateRequest req;
  req.subject_cn = cn;
  SqlDateTime now = now_utc();
  now.nanosecond = 0;
  req.not_before = add_days(now, -1);
  req.not_after = add_years(now, 1);
  GeneratedCertificate g = generate_certificate(req);
  TestCert c;
  c.der.assign(g.info.der.begin(), g.info.der.end());
  c.private_key_pem = g.private_key_pem;
  BIO* bio = BIO_new(BIO_s_mem());
  const unsigned char* p = c.der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(c.der.size()));
  PEM_write_bio_X509(bio, x);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  c.certificate_pem.assign(data, static_cast<std::size_t>(n));
  X509_free(x);
  BIO_free(bio);
  return c;
}

// --- Env ------------------------------------------------------------------------------

Env::Env(milink::emulator::AzureOptions options)
    : links(world, milink::emulator::TimingProfile::fast()) {
  if (options.key_dir.empty()) options.key_dir = dir / "arc-tokens";
  azure = std::make_unique<milink::emulator::AzureEmulator>(world, links, faults, std::move(options));
  azure->start();
  ca_file = (dir / "ca.pem").string();
  azure->write_ca(ca_file);
  token = azure->mint_token();
}

Env::~Env() {
  if (azure) azure->stop();
  azure.reset();
}

std::string Env::mi_path() const {
  return "/subscriptions/" + azure->subscription_id() + "/resourceGroups/" + azure->resource_group() +
         "/providers/Microsoft.Sql/managedInstances/" + azure->managed_instance_name();
}

Reply Env::arm(const std::string& method, const std::string& path, const std::string& api_version,
               const std::string& body, const std::string& bearer, const Headers& extra) {
  Headers h = extra;
  if (bearer != "-") h.emplace_back("Authorization", "Bearer " + (bearer.empty() ? token : bearer));
  std::string target = path;
  if (!api_version.empty()) target += (path.find('?') == std::string::npos ? "?" : "&") + std::string("api-version=") + api_version;
  return https(azure->arm_port(), method, target, body, h, ca_file);
}

Reply Env::entra_token(const std::vector<std::pair<std::string, std::string>>& fields, const std::string& tenant, bool v1) {
  std::string t = tenant.empty() ? azure->tenant_id() : tenant;
  return https(azure->identity_port(), "POST", "/" + t + (v1 ? "/oauth2/token" : "/oauth2/v2.0/token"), form(fields),
               {{"Content-Type", "application/x-www-form-urlencoded"}}, ca_file);
}

std::string Env::local_target(const std::string& url) const {
  std::string prefix = "https://127.0.0.1:" + std::to_string(azure->arm_port());
  REQUIRE(url.rfind(prefix, 0) == 0);
  return url.substr(prefix.size());
}

Value Env::poll_async(const std::string& url, std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  std::string target = local_target(url);
  for (;;) {
    Reply r = https(azure->arm_port(), "GET", target, {}, {{"Authorization", "Bearer " + token}}, ca_file);
    REQUIRE(r.status == 200);
    Value v = r.json();
    REQUIRE(v.get("status"));
    if (v.get("status")->as_string() != "InProgress" || std::chrono::steady_clock::now() > until) return v;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Reply Env::poll_location(const std::string& url, std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  std::string target = local_target(url);
  for (;;) {
    Reply r = https(azure->arm_port(), "GET", target, {}, {{"Authorization", "Bearer " + token}}, ca_file);
    if (r.status != 202 || std::chrono::steady_clock::now() > until) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Env& env() {
  static Env e;
  return e;
}

}  // namespace armemu
