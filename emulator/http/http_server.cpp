#include "http/http_server.hpp"

#include "http/connection_gate.hpp"
#include "http/encoding.hpp"

#include <milink/sdk/value.hpp>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Net/TCPServerDispatcher.h>
#include <Poco/ThreadPool.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <istream>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace milink::emulator::http {

// --- Request / Response ------------------------------------------------------

const std::string* Request::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return &v;
  return nullptr;
}

const std::string* Request::query_param(const std::string& name) const {
  for (const auto& [k, v] : query)
    if (iequals(k, name)) return &v;
  return nullptr;
}

std::string Request::base_url() const { return std::string(secure ? "https://" : "http://") + host; }

bool Request::from_loopback() const {
  return peer.rfind("127.", 0) == 0 || peer == "::1" || peer.rfind("::ffff:127.", 0) == 0;
}

void Response::set_header(const std::string& name, const std::string& value) {
  for (auto& [k, v] : headers)
    if (iequals(k, name)) {
      v = value;
      return;
    }
  headers.emplace_back(name, value);
}

const std::string* Response::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return &v;
  return nullptr;
}

void Response::json(int s, const milink::sdk::Value& v) {
  status = s;
  body = v.to_json();
  content_type = "application/json; charset=utf-8";
}

void Response::text(int s, const std::string& b, const std::string& ct) {
  status = s;
  body = b;
  content_type = ct;
}

void Response::empty(int s) {
  status = s;
  body.clear();
  content_type.clear();
}

void Request::set_target(const std::string& request_method, const std::string& uri) {
  method = request_method;
  std::size_t q = uri.find('?');
  raw_path = uri.substr(0, q);
  raw_query = q == std::string::npos ? std::string() : uri.substr(q + 1);
  path = percent_decode(raw_path);
  query = parse_form(raw_query);
}

// --- Router ------------------------------------------------------------------

void Router::add(const std::string& method, const std::string& pattern, Handler handler) {
  routes_.push_back(Route{method, split_path(pattern), std::move(handler)});
}

Router::Match Router::route(Request& req, const Handler** handler) const {
  // Match on the raw (encoded) segments, decode the parameters: a %2F inside a
  // name must not split it.
  std::vector<std::string> segs = split_path(req.raw_path);
  bool path_matched = false;
  for (const auto& r : routes_) {
    std::map<std::string, std::string> params;
    bool ok = true;
    std::size_t i = 0;
    for (; i < r.segments.size(); ++i) {
      const std::string& p = r.segments[i];
      bool is_param = p.size() > 2 && p.front() == '{' && p.back() == '}';
      if (is_param && p[p.size() - 2] == '*') {
        std::string rest;
        for (std::size_t j = i; j < segs.size(); ++j) rest += (j > i ? "/" : "") + percent_decode(segs[j]);
        params[p.substr(1, p.size() - 3)] = rest;
        i = r.segments.size();
        ok = true;
        break;
      }
      if (i >= segs.size()) {
        ok = false;
        break;
      }
      if (is_param) {
        params[p.substr(1, p.size() - 2)] = percent_decode(segs[i]);
      } else if (!iequals(p, percent_decode(segs[i]))) {
        ok = false;
        break;
      }
    }
    bool star = !r.segments.empty() && r.segments.back().size() > 2 &&
                r.segments.back()[r.segments.back().size() - 2] == '*';
    if (!ok || (!star && segs.size() != r.segments.size())) continue;
    path_matched = true;
    if (r.method != req.method) continue;
    req.params = std::move(params);
    *handler = &r.handler;
    return Match::Found;
  }
  return path_matched ? Match::NoMethod : Match::NoPath;
}

// --- RequestLog --------------------------------------------------------------

void RequestLog::add(LogEntry e) {
  std::lock_guard<std::mutex> l(mu_);
  entries_.push_back(std::move(e));
  if (entries_.size() > 10000) entries_.erase(entries_.begin(), entries_.begin() + 1000);
}

std::vector<LogEntry> RequestLog::entries() const {
  std::lock_guard<std::mutex> l(mu_);
  return entries_;
}

void RequestLog::clear() {
  std::lock_guard<std::mutex> l(mu_);
  entries_.clear();
}

// --- HttpServer ----------------------------------------------------------------

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

std::unique_ptr<X509, X509Free> read_cert(const std::string& pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return std::unique_ptr<X509, X509Free>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

std::unique_ptr<EVP_PKEY, PkeyFree> read_key(const std::string& pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return std::unique_ptr<EVP_PKEY, PkeyFree>(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

void ensure_ssl_initialized() {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

Poco::Net::Context::Ptr make_server_context(const ServerOptions& o) {
  ensure_ssl_initialized();
  Poco::Net::Context::Params params;
  params.verificationMode = Poco::Net::Context::VERIFY_NONE;
  params.loadDefaultCAs = false;
  params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES";
  Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
  ctx->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  ctx->disableStatelessSessionResumption();
  SSL_CTX* sctx = ctx->sslContext();
  auto cert = read_cert(o.certificate_pem);
  auto key = read_key(o.private_key_pem);
  if (!cert || !key) throw std::runtime_error(o.name + ": unreadable server certificate or key");
  if (SSL_CTX_use_certificate(sctx, cert.get()) != 1 || SSL_CTX_use_PrivateKey(sctx, key.get()) != 1 ||
      SSL_CTX_check_private_key(sctx) != 1) {
    ERR_clear_error();
    throw std::runtime_error(o.name + ": the server certificate does not match its key");
  }
  if (!o.chain_pem.empty()) {
    auto chain = read_cert(o.chain_pem);
    if (chain && SSL_CTX_add_extra_chain_cert(sctx, chain.get()) == 1) chain.release();
  }
  ERR_clear_error();
  return ctx;
}

class Connection final : public Poco::Net::HTTPRequestHandler {
public:
  explicit Connection(const HttpServer& server) : server_(server) {}

  void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override {
    auto started = std::chrono::steady_clock::now();
    Request req;
    Response resp;
    req.set_target(in.getMethod(), in.getURI());
    for (const auto& [k, v] : in) req.headers.emplace_back(k, v);
    req.host = in.getHost();
    try {
      req.peer = in.clientAddress().host().toString();
    } catch (...) {
    }
    req.secure = server_.options().tls;

    bool too_large = in.getContentLength() != Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH &&
                     static_cast<std::size_t>(in.getContentLength()) > server_.options().max_body;
    if (too_large) {
      resp.text(413, "Request body too large");
    } else {
      std::istream& body = in.stream();
      char buf[8192];
      while (body.read(buf, sizeof buf) || body.gcount() > 0) {
        req.body.append(buf, static_cast<std::size_t>(body.gcount()));
        if (req.body.size() > server_.options().max_body) break;
      }
      if (req.body.size() > server_.options().max_body) resp.text(413, "Request body too large");
      else server_.dispatch(req, resp);
    }

    if (resp.delay.count() > 0) std::this_thread::sleep_for(resp.delay);

    LogEntry entry;
    entry.server = server_.options().name;
    entry.method = req.method;
    entry.path = req.path;
    entry.unix_time = unix_now();
    if (const std::string* id = resp.header("x-ms-request-id")) entry.request_id = *id;
    if (server_.options().log_bodies) entry.body = req.body;

    // Logged before answering: a client that got its answer finds it in the log.
    entry.status = resp.drop ? 0 : resp.status;
    entry.milliseconds =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    server_.log().add(std::move(entry));

    if (resp.drop) {
      out.setKeepAlive(false);
      if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&in)) {
        try {
          impl->socket().shutdown();
        } catch (...) {
        }
      }
      return;
    }
    out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(resp.status));
    for (const auto& [k, v] : resp.headers) out.set(k, v);
    if (!resp.content_type.empty()) out.setContentType(resp.content_type);
    out.setContentLength(static_cast<std::streamsize>(resp.body.size()));
    if (req.method == "HEAD" || resp.status == 204 || resp.status == 304) {
      out.send();
    } else {
      std::ostream& os = out.send();
      os.write(resp.body.data(), static_cast<std::streamsize>(resp.body.size()));
      os.flush();
    }
  }

private:
  const HttpServer& server_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
  explicit Factory(const HttpServer& server) : server_(server) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Connection(server_);
  }

private:
  const HttpServer& server_;
};

/// The connections being served, so that stop() can close them.
class OpenConnections {
public:
  void add(const Poco::Net::StreamSocket& s) {
    std::lock_guard<std::mutex> l(mu_);
    open_.push_back(s);
  }
  void remove(const Poco::Net::StreamSocket& s) {
    std::lock_guard<std::mutex> l(mu_);
    for (auto it = open_.begin(); it != open_.end(); ++it)
      if (it->impl() == s.impl()) {
        open_.erase(it);
        return;
      }
  }
  void shutdown_all() {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& s : open_) {
      try {
        s.shutdown();
      } catch (...) {
      }
    }
  }

private:
  std::mutex mu_;
  std::vector<Poco::Net::StreamSocket> open_;
};

/// POCO's HTTP connection (request loop, keep-alive), registered while it runs.
class TrackedConnection final : public Poco::Net::HTTPServerConnection {
public:
  TrackedConnection(const Poco::Net::StreamSocket& s, Poco::Net::HTTPServerParams::Ptr params,
                    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, OpenConnections& open)
      : HTTPServerConnection(s, params, handlers), open_(open), socket_(s) {
    open_.add(socket_);
  }
  ~TrackedConnection() override { open_.remove(socket_); }

private:
  OpenConnections& open_;
  Poco::Net::StreamSocket socket_;
};

/// Makes the connection for a socket the gate handed on: TLS (the handshake
/// runs in the serving thread, bounded by io_timeout) or plain.
class ConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
public:
  ConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr handlers,
                    Poco::Net::Context::Ptr tls, std::chrono::milliseconds io_timeout, OpenConnections& open)
      : params_(params), handlers_(handlers), tls_(tls), io_timeout_(io_timeout), open_(open) {}

  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    Poco::Net::StreamSocket s = socket;
    const Poco::Timespan t(static_cast<Poco::Timespan::TimeDiff>(io_timeout_.count()) * 1000);
    s.setReceiveTimeout(t);
    s.setSendTimeout(t);
    if (tls_) s = Poco::Net::SecureStreamSocket::attach(s, tls_);
    return new TrackedConnection(s, params_, handlers_, open_);
  }

private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
  Poco::Net::Context::Ptr tls_;
  std::chrono::milliseconds io_timeout_;
  OpenConnections& open_;
};

}  // namespace

/// The gate accepts and waits for each connection's first byte; POCO's
/// dispatcher then serves it on a pool thread.
struct HttpServer::Impl {
  std::unique_ptr<Poco::ThreadPool> pool;
  OpenConnections open;
  Poco::Net::TCPServerDispatcher* dispatcher = nullptr;  ///< reference-counted by POCO
  std::unique_ptr<ConnectionGate> gate;
};

HttpServer::HttpServer(ServerOptions options, Router router, std::shared_ptr<RequestLog> log)
    : options_(std::move(options)), router_(std::move(router)), log_(std::move(log)) {
  if (!log_) log_ = std::make_shared<RequestLog>();
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  if (impl_) return;
  auto impl = std::make_unique<Impl>();
  try {
    Poco::Net::SocketAddress address(options_.bind, options_.port);
    Poco::Net::Context::Ptr tls = options_.tls ? make_server_context(options_) : Poco::Net::Context::Ptr();
    Poco::Net::ServerSocket socket(address, 64);
    port_ = socket.address().port();
    auto micros = [](std::chrono::milliseconds ms) {
      return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
    };
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(options_.max_threads);
    params->setMaxQueued(128);
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(1000);
    params->setKeepAliveTimeout(micros(options_.keep_alive_timeout));
    params->setTimeout(micros(options_.io_timeout));
    params->setServerName("milink-emulator");
    impl->pool = std::make_unique<Poco::ThreadPool>(2, options_.max_threads + 4, 60);
    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers(new Factory(*this));
    impl->dispatcher = new Poco::Net::TCPServerDispatcher(
        Poco::Net::TCPServerConnectionFactory::Ptr(
            new ConnectionFactory(params, handlers, tls, options_.io_timeout, impl->open)),
        *impl->pool,
        Poco::Net::TCPServerParams::Ptr(params.get(), true));
    Poco::Net::TCPServerDispatcher* dispatcher = impl->dispatcher;
    impl->gate = std::make_unique<ConnectionGate>(
        socket, [dispatcher](const Poco::Net::StreamSocket& s) { dispatcher->enqueue(s); },
        options_.first_byte_timeout, options_.max_waiting);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error(options_.name + ": cannot listen on " + options_.bind + ":" +
                             std::to_string(options_.port) + ": " + e.displayText());
  }
  impl_ = std::move(impl);
}

void HttpServer::stop() {
  if (!impl_) return;
  impl_->gate->stop();
  try {
    impl_->dispatcher->stop();
  } catch (...) {
  }
  impl_->open.shutdown_all();
  try {
    impl_->pool->joinAll();
  } catch (...) {
  }
  impl_->dispatcher->release();
  impl_.reset();
}

void HttpServer::dispatch(Request& req, Response& resp) const {
  try {
    if (!(before_ && before_(req, resp))) {
      const Handler* handler = nullptr;
      Router::Match m = router_.route(req, &handler);
      if (m == Router::Match::Found) {
        (*handler)(req, resp);
      } else if (fallback_) {
        fallback_(req, resp, m);
      } else {
        resp.text(m == Router::Match::NoMethod ? 405 : 404, m == Router::Match::NoMethod ? "Method Not Allowed" : "Not Found");
      }
    }
  } catch (const std::exception& e) {
    resp = Response();
    resp.json(500, milink::sdk::Value(milink::sdk::Object{
                       {"error", milink::sdk::Value(milink::sdk::Object{
                                     {"code", milink::sdk::Value("InternalServerError")},
                                     {"message", milink::sdk::Value(std::string("emulator: ") + e.what())}})}}));
  }
  if (after_ && !resp.drop) after_(req, resp);
}

}  // namespace milink::emulator::http
