#include "cred_support.hpp"

#include "plugin_host/loaded_plugin.hpp"

#include <milink/sdk/json.hpp>

#include <Poco/Crypto/RSAKey.h>
#include <Poco/Crypto/X509Certificate.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>

namespace credtest {

// ---- FakeHttp -----------------------------------------------------------

FakeHttp& FakeHttp::respond(int status, std::string body, std::vector<HttpHeader> headers) {
  std::lock_guard<std::mutex> lock(mu_);
  script_.push_back({status, std::move(headers), std::move(body), {}});
  return *this;
}

FakeHttp& FakeHttp::fail(std::string error) {
  std::lock_guard<std::mutex> lock(mu_);
  script_.push_back({0, {}, {}, std::move(error)});
  return *this;
}

FakeHttp& FakeHttp::always(int status, std::string body) {
  std::lock_guard<std::mutex> lock(mu_);
  fallback_ = Scripted{status, {}, std::move(body), {}};
  return *this;
}

bool FakeHttp::send(const HttpRequest& request, HttpResponse& response, std::string& error) noexcept {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.push_back(request);
  Scripted s;
  if (!script_.empty()) {
    s = script_.front();
    script_.pop_front();
  } else if (fallback_) {
    s = *fallback_;
  } else {
    error = "FakeHttp: no scripted response left";
    return false;
  }
  if (!s.transport_error.empty()) {
    error = s.transport_error;
    return false;
  }
  response.status = s.status;
  response.reason = s.status == 200 ? "OK" : "";
  response.headers = s.headers;
  response.body = s.body;
  return true;
}

std::vector<HttpRequest> FakeHttp::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::size_t FakeHttp::count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_.size();
}

HttpRequest FakeHttp::last() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (requests_.empty()) throw std::logic_error("FakeHttp: no request was made");
  return requests_.back();
}

std::string entra_token_body(const std::string& token, int expires_in) {
  return Value(Object{{"token_type", Value("Bearer")},
                      {"expires_in", Value(expires_in)},
                      {"ext_expires_in", Value(expires_in)},
                      {"access_token", Value(token)}})
      .to_json();
}

std::string entra_error_body(const std::string& error, const std::string& description) {
  return Value(Object{{"error", Value(error)},
                      {"error_description", Value(description +
                                                  "\r\nTrace ID: 0a1b2c3d-0000-1111-2222-333344445555\r\nCorrelation "
                                                  "ID: 9f8e7d6c-0000-1111-2222-333344445555\r\nTimestamp: "
                                                  "2026-01-01 00:00:00Z")},
                      {"error_codes", Value(milink::sdk::Array{Value(7000215)})},
                      {"timestamp", Value("2026-01-01 00:00:00Z")},
                      {"trace_id", Value("0a1b2c3d-0000-1111-2222-333344445555")},
                      {"correlation_id", Value("9f8e7d6c-0000-1111-2222-333344445555")}})
      .to_json();
}

// ---- EnvGuard -----------------------------------------------------------

namespace {
const char* kCredentialVars[] = {
    "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD", "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN", "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_AUTHORITY_HOST", "AZURE_USERNAME", "AZURE_PASSWORD", "IDENTITY_ENDPOINT", "IDENTITY_HEADER",
    "IDENTITY_SERVER_THUMBPRINT", "IMDS_ENDPOINT", "MSI_ENDPOINT", "MSI_SECRET", "AZURE_POD_IDENTITY_AUTHORITY_HOST"};
}

EnvGuard::EnvGuard() {
  for (const char* v : kCredentialVars) unset(v);
}

EnvGuard::~EnvGuard() {
  for (const auto& [name, value] : saved_) {
    if (value) ::setenv(name.c_str(), value->c_str(), 1);
    else ::unsetenv(name.c_str());
  }
}

void EnvGuard::save(const std::string& name) {
  if (saved_.count(name)) return;
  const char* v = std::getenv(name.c_str());
  saved_[name] = v ? std::optional<std::string>(v) : std::nullopt;
}

EnvGuard& EnvGuard::set(const std::string& name, const std::string& value) {
  save(name);
  ::setenv(name.c_str(), value.c_str(), 1);
  return *this;
}

EnvGuard& EnvGuard::unset(const std::string& name) {
  save(name);
  ::unsetenv(name.c_str());
  return *this;
}

// ---- registry -----------------------------------------------------------

std::filesystem::path plugin_file() { return MILINK_CREDENTIALS_PLUGIN; }
std::filesystem::path bundled_plugin_dir() { return MILINK_BUNDLED_PLUGIN_DIR; }

milink::host::Registry& registry() {
  static milink::host::Registry* r = [] {
    auto* reg = new milink::host::Registry();  // never destroyed: providers may outlive static destruction order
    reg->add(milink::host::load_plugin(plugin_file()));
    return reg;
  }();
  return *r;
}

CredentialProvider* Cred::operator->() const {
  auto* c = milink::sdk::provider_cast<CredentialProvider>(handle.provider.get());
  if (c == nullptr) throw std::logic_error("not a credential provider (creation failed: " + status.message + ")");
  return c;
}

CredentialProvider& Cred::operator*() const { return *operator->(); }

Cred make(const std::string& name, Object params) {
  const auto* entry = registry().find_provider("credential", name);
  if (entry == nullptr) throw std::logic_error("no credential provider " + name);
  Cred c;
  c.handle = registry().create_provider(*entry, milink::sdk::Params(std::move(params)), c.status);
  return c;
}

TokenRequest default_request() {
  TokenRequest r;
  r.tenant_id = kTenant;
  return r;
}

Got get(CredentialProvider& c, milink::sdk::HttpClient& http, const TokenRequest& req) {
  Got g;
  g.ok = c.get_token(req, http, g.token, g.error);
  return g;
}

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace {
std::string decode_component(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}
}  // namespace

std::vector<std::pair<std::string, std::string>> parse_form(const std::string& body) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    std::string part = body.substr(start, end - start);
    std::size_t eq = part.find('=');
    out.emplace_back(decode_component(part.substr(0, eq)),
                     eq == std::string::npos ? std::string() : decode_component(part.substr(eq + 1)));
    start = end + 1;
  }
  return out;
}

std::map<std::string, std::string> form_map(const std::string& body) {
  std::map<std::string, std::string> m;
  for (auto& [k, v] : parse_form(body)) m[k] = v;
  return m;
}

std::optional<std::string> header(const HttpRequest& r, const std::string& name) {
  for (const auto& h : r.headers) {
    if (h.name.size() != name.size()) continue;
    bool eq = true;
    for (std::size_t i = 0; i < name.size(); ++i)
      eq = eq && std::tolower(static_cast<unsigned char>(h.name[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    if (eq) return h.value;
  }
  return std::nullopt;
}

// ---- certificates -------------------------------------------------------

namespace {

EVP_PKEY* pkey(const TestCert& c) { return static_cast<EVP_PKEY*>(c.key.get()); }
X509* x509(const TestCert& c) { return static_cast<X509*>(c.x509.get()); }

std::string bio_string(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace

TestCert make_cert(const std::string& cn, const TestCert* issuer) {
  TestCert c;
  EVP_PKEY* k = EVP_RSA_gen(2048);
  if (k == nullptr) throw std::runtime_error("RSA key generation failed");
  c.key = std::shared_ptr<void>(k, [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); });
  X509* x = X509_new();
  c.x509 = std::shared_ptr<void>(x, [](void* p) { X509_free(static_cast<X509*>(p)); });
  X509_set_version(x, 2);
  static long serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 365);
  X509_set_pubkey(x, k);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x, issuer ? X509_get_subject_name(x509(*issuer)) : name);
  if (X509_sign(x, issuer ? pkey(*issuer) : k, EVP_sha256()) == 0) throw std::runtime_error("X509_sign failed");

  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, x);
  c.cert_pem = bio_string(b);
  BIO_free(b);
  b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
  c.key_pem = bio_string(b);
  BIO_free(b);
  unsigned char* der = nullptr;
  int len = i2d_X509(x, &der);
  c.der.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return c;
}

const TestCert& leaf_cert() {
  static const TestCert c = make_cert("milink-test-client");
  return c;
}

const TestCert& ca_cert() {
  static const TestCert c = make_cert("milink-test-ca");
  return c;
}

const TestCert& signed_leaf_cert() {
  static const TestCert c = make_cert("milink-test-chained-client", &ca_cert());
  return c;
}

std::string encrypted_key_pem(const TestCert& c, const std::string& password) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PKCS8PrivateKey(b, pkey(c), EVP_aes_256_cbc(), password.data(), static_cast<int>(password.size()),
                                nullptr, nullptr);
  std::string out = bio_string(b);
  BIO_free(b);
  return out;
}

std::string pfx(const TestCert& c, const std::string& password) {
  PKCS12* p12 = PKCS12_create(password.c_str(), "milink", pkey(c), x509(c), nullptr, NID_aes_256_cbc,
                              NID_aes_256_cbc, 2048, 2048, 0);
  if (p12 == nullptr) throw std::runtime_error("PKCS12_create failed");
  BIO* b = BIO_new(BIO_s_mem());
  i2d_PKCS12_bio(b, p12);
  PKCS12_free(p12);
  std::string out = bio_string(b);
  BIO_free(b);
  return out;
}

std::string sha1(const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_sha1(), nullptr);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string sha256(const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string b64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[0]), reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string b64url(const std::string& data) {
  std::string s = b64(data);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

std::string unb64url(const std::string& text) {
  std::string s = text;
  for (char& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (s.size() % 4 != 0) s += '=';
  std::string out(s.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(&out[0]), reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  if (n < 0) throw std::runtime_error("bad base64url");
  std::size_t pad = 0;
  for (std::size_t i = s.size(); i > 0 && s[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

namespace {
Object object_of(const Poco::JSON::Object& o) {
  std::ostringstream text;
  o.stringify(text);
  return milink::sdk::parse_json(text.str(), "<jwt>").as_object();
}
}  // namespace

Jwt decode_jwt(const std::string& token) {
  const Poco::JWT::Token t(token);
  Jwt j;
  j.header = object_of(t.header());
  j.claims = object_of(t.payload());
  j.token = token;
  j.signature = unb64url(t.signature());
  return j;
}

bool verify_rs256(const std::string& cert_der, const std::string& token) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(cert_der.data());
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(cert_der.size()));
  if (x == nullptr) return false;
  const Poco::Crypto::X509Certificate cert(x);  // owns x
  Poco::JWT::Signer signer(Poco::SharedPtr<Poco::Crypto::RSAKey>(new Poco::Crypto::RSAKey(cert)));
  signer.setAlgorithms({Poco::JWT::Signer::ALGO_RS256});
  Poco::JWT::Token verified;
  return signer.tryVerify(token, verified);
}

std::string make_unsigned_jwt(const Object& claims) {
  Poco::JWT::Token t;
  t.setType("JWT");
  Poco::JSON::Parser parser;
  const auto parsed = parser.parse(Value(claims).to_json()).extract<Poco::JSON::Object::Ptr>();
  for (const auto& [name, value] : *parsed) t.payload().set(name, value);
  t.setAlgorithm(Poco::JWT::Signer::ALGO_NONE);
  return t.toString();  // Signer does not sign "none": header.payload. with an empty signature
}

void write_script(const std::filesystem::path& p, const std::string& text) {
  {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
  }
  ::chmod(p.c_str(), 0755);
}

}  // namespace credtest
