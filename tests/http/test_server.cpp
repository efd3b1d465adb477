#include "test_server.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <stdexcept>
#include <thread>

namespace httptest {

namespace {

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string pem_of(X509* x) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x);
  std::string s = bio_string(bio);
  BIO_free(bio);
  return s;
}

std::string pem_of(EVP_PKEY* k) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, k, nullptr, nullptr, 0, nullptr, nullptr);
  std::string s = bio_string(bio);
  BIO_free(bio);
  return s;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) throw std::runtime_error("X509V3_EXT_conf_nid failed for " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509* make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key, long serial, bool ca,
                const std::vector<std::string>& alt_names) {
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 7L * 24 * 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x, issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509* iss = issuer != nullptr ? issuer : x;
  add_ext(x, iss, NID_subject_key_identifier, "hash");
  if (ca) {
    add_ext(x, iss, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(x, iss, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(x, iss, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(x, iss, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    add_ext(x, iss, NID_ext_key_usage, "serverAuth");
    add_ext(x, iss, NID_authority_key_identifier, "keyid");
    std::string san;
    for (const auto& n : alt_names) san += (san.empty() ? "" : ",") + n;
    if (!san.empty()) add_ext(x, iss, NID_subject_alt_name, san);
  }
  X509_sign(x, issuer_key != nullptr ? issuer_key : key, EVP_sha256());
  return x;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

const Pki& loopback_pki() {
  static const Pki pki = Pki::make({"DNS:localhost", "IP:127.0.0.1"});
  return pki;
}

Pki Pki::make(const std::vector<std::string>& alt_names, const std::string& ca_name) {
  static std::atomic<long> serial{1000};
  EVP_PKEY* ca_key = EVP_EC_gen("P-256");
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (ca_key == nullptr || key == nullptr) throw std::runtime_error("EC key generation failed");
  X509* ca = make_cert(ca_key, ca_name, nullptr, nullptr, ++serial, true, {});
  X509* leaf = make_cert(key, "milink test server", ca, ca_key, ++serial, false, alt_names);
  Pki p;
  p.ca_pem = pem_of(ca);
  p.cert_pem = pem_of(leaf);
  p.key_pem = pem_of(key);
  X509_free(leaf);
  X509_free(ca);
  EVP_PKEY_free(key);
  EVP_PKEY_free(ca_key);
  return p;
}

std::filesystem::path write_ca(const testsupport::TempDir& dir, const Pki& pki, const std::string& name) {
  auto p = dir / name;
  testsupport::write_file(p, pki.ca_pem);
  return p;
}

std::uint16_t closed_port() {
  Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
  std::uint16_t port = s.address().port();
  s.close();
  return port;
}

namespace {

class RequestHandler final : public Poco::Net::HTTPRequestHandler {
public:
  RequestHandler(TestServer& server, bool keep_alive) : server_(server), keep_alive_(keep_alive) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
    Exchange ex;
    ex.method = req.getMethod();
    ex.target = req.getURI();
    for (const auto& [name, value] : req) ex.headers[lower(name)] = value;
    Poco::StreamCopier::copyToString(req.stream(), ex.body);
    Reply r = server_.handle(std::move(ex));
    if (r.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(r.delay_ms));
    if (r.drop) throw std::runtime_error("test server: dropping the connection");  // closes it unanswered
    resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.status));
    for (const auto& [name, value] : r.headers) resp.add(name, value);
    resp.setContentLength(static_cast<std::streamsize>(r.body.size()));
    resp.setKeepAlive(keep_alive_ && !r.close && req.getKeepAlive());
    resp.send() << r.body;
  }

private:
  TestServer& server_;
  bool keep_alive_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
  Factory(TestServer& server, bool keep_alive) : server_(server), keep_alive_(keep_alive) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new RequestHandler(server_, keep_alive_);
  }

private:
  TestServer& server_;
  bool keep_alive_;
};

}  // namespace

struct TestServer::Impl {
  testsupport::TempDir dir;
  Poco::ThreadPool pool{2, 32};
  std::unique_ptr<Poco::Net::HTTPServer> server;
  std::uint16_t port = 0;
  bool tls = false;
  mutable std::mutex mu;
  Handler handler;
  std::vector<Exchange> requests;
};

TestServer::TestServer(const Pki* pki, Handler handler, ServerConfig config) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  auto params = new Poco::Net::HTTPServerParams;
  params->setKeepAlive(config.keep_alive);
  params->setKeepAliveTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(config.keep_alive_timeout_ms) * 1000));
  params->setMaxThreads(32);
  params->setMaxQueued(128);
  Poco::Net::SocketAddress addr("127.0.0.1", 0);
  if (pki != nullptr) {
    impl_->tls = true;
    testsupport::write_file(impl_->dir / "cert.pem", pki->cert_pem);
    testsupport::write_file(impl_->dir / "key.pem", pki->key_pem);
    Poco::Net::Context::Params p;
    p.certificateFile = (impl_->dir / "cert.pem").string();
    p.privateKeyFile = (impl_->dir / "key.pem").string();
    p.verificationMode = Poco::Net::Context::VERIFY_NONE;
    p.loadDefaultCAs = false;
    Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, p);
    Poco::Net::SecureServerSocket socket(addr, 64, ctx);
    impl_->port = socket.address().port();
    impl_->server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this, config.keep_alive), impl_->pool, socket, params);
  } else {
    Poco::Net::ServerSocket socket(addr, 64);
    impl_->port = socket.address().port();
    impl_->server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this, config.keep_alive), impl_->pool, socket, params);
  }
  impl_->server->start();
}

TestServer::~TestServer() {
  impl_->server->stopAll(true);
  impl_->pool.joinAll();
  impl_->server.reset();
}

std::uint16_t TestServer::port() const { return impl_->port; }

std::string TestServer::base(const std::string& host) const {
  return std::string(impl_->tls ? "https://" : "http://") + host + ":" + std::to_string(impl_->port);
}

void TestServer::set_handler(Handler handler) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->handler = std::move(handler);
}

std::vector<Exchange> TestServer::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->requests;
}

std::size_t TestServer::count() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->requests.size();
}

std::size_t TestServer::connections() const { return static_cast<std::size_t>(impl_->server->totalConnections()); }

void TestServer::stop() { impl_->server->stopAll(true); }

Reply TestServer::handle(Exchange ex) {
  Handler h;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->requests.push_back(ex);
    h = impl_->handler;
  }
  return h ? h(ex) : Reply::json(404, R"({"error":{"code":"NotFound","message":"no handler"}})");
}

}  // namespace httptest
