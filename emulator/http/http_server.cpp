#include "http/http_server.hpp"

#include "http/connection_gate.hpp"
#include "http/connection_watch.hpp"
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

std::string ms_text(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

/// What the log says of a connection closed because its request headers
/// (and, over TLS, the handshake) were too slow.
LogEntry header_deadline_entry(const ServerOptions& o, bool next_request) {
  LogEntry e;
  e.server = o.name;
  e.error = next_request ? "connection closed: the next request's headers on the keep-alive connection were not "
                           "complete within " + ms_text(o.keep_alive_timeout + o.header_timeout) +
                               " (keep_alive_timeout + header_timeout)"
                         : std::string("connection closed: the ") + (o.tls ? "TLS handshake and the " : "") +
                               "request headers were not complete within " + ms_text(o.header_timeout) +
                               " (header_timeout)";
  return e;
}

class Connection final : public Poco::Net::HTTPRequestHandler {
public:
  Connection(const HttpServer& server, ConnectionWatch& watch) : server_(server), watch_(watch) {}

  void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override {
    auto started = std::chrono::steady_clock::now();
    const ServerOptions& o = server_.options();
    auto* in_impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&in);
    Request req;
    Response resp;
    req.set_target(in.getMethod(), in.getURI());
    for (const auto& [k, v] : in) req.headers.emplace_back(k, v);
    req.host = in.getHost();
    try {
      req.peer = in.clientAddress().host().toString();
    } catch (...) {
    }
    req.secure = o.tls;

    // The headers are in; the body has body_timeout to follow.
    if (in_impl != nullptr) {
      LogEntry slow;
      slow.server = o.name;
      slow.method = req.method;
      slow.path = req.path;
      slow.error = "connection closed: the request body was not complete within " + ms_text(o.body_timeout) +
                   " (body_timeout)";
      watch_.arm(in_impl->socket(), started + o.body_timeout, std::move(slow));
    }
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
      const bool in_time = in_impl == nullptr || watch_.disarm(in_impl->socket());
      const auto length = in.getContentLength();
      const bool cut_short = length != Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH &&
                             req.body.size() < static_cast<std::size_t>(length);
      if (!in_time || (cut_short && req.body.size() <= server_.options().max_body)) {
        // Never hand a handler part of a body. The watch logged a deadline;
        // a client that hung up mid-body is logged here.
        out.setKeepAlive(false);
        if (in_time) {
          LogEntry e;
          e.server = o.name;
          e.method = req.method;
          e.path = req.path;
          e.unix_time = unix_now();
          e.error = "connection closed: the request body ended after " + std::to_string(req.body.size()) + " of " +
                    std::to_string(length) + " bytes";
          server_.log().add(std::move(e));
        }
        return;
      }
      if (req.body.size() > server_.options().max_body) resp.text(413, "Request body too large");
      else server_.dispatch(req, resp);
    }
    if (in_impl != nullptr) watch_.disarm(in_impl->socket());

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
      if (in_impl != nullptr) {
        try {
          in_impl->socket().shutdown();
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
    // A further request on this connection: the idle wait (keep_alive_timeout,
    // POCO closes it then) and its headers (header_timeout).
    if (in_impl != nullptr)
      watch_.arm(in_impl->socket(), std::chrono::steady_clock::now() + o.keep_alive_timeout + o.header_timeout,
                 header_deadline_entry(o, true));
  }

private:
  const HttpServer& server_;
  ConnectionWatch& watch_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
  Factory(const HttpServer& server, ConnectionWatch& watch) : server_(server), watch_(watch) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Connection(server_, watch_);
  }

private:
  const HttpServer& server_;
  ConnectionWatch& watch_;
};

/// POCO's HTTP connection (request loop, keep-alive), watched while it runs:
/// the TLS handshake and the first request's headers are due header_timeout
/// after it starts.
class TrackedConnection final : public Poco::Net::HTTPServerConnection {
public:
  TrackedConnection(const Poco::Net::StreamSocket& s, Poco::Net::HTTPServerParams::Ptr params,
                    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, ConnectionWatch& watch,
                    const ServerOptions& options)
      : HTTPServerConnection(s, params, handlers), watch_(watch), socket_(s) {
    watch_.add(socket_);
    watch_.arm(socket_, std::chrono::steady_clock::now() + options.header_timeout,
               header_deadline_entry(options, false));
  }
  ~TrackedConnection() override { watch_.remove(socket_); }

private:
  ConnectionWatch& watch_;
  Poco::Net::StreamSocket socket_;
};

/// Makes the connection for a socket the gate handed on: TLS (the handshake
/// runs in the serving thread, bounded by io_timeout and header_timeout) or
/// plain.
class ConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
public:
  ConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr handlers,
                    Poco::Net::Context::Ptr tls, const ServerOptions& options, ConnectionWatch& watch)
      : params_(params), handlers_(handlers), tls_(tls), options_(options), watch_(watch) {}

  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    Poco::Net::StreamSocket s = socket;
    const Poco::Timespan t(static_cast<Poco::Timespan::TimeDiff>(options_.io_timeout.count()) * 1000);
    s.setReceiveTimeout(t);
    s.setSendTimeout(t);
    if (tls_) s = Poco::Net::SecureStreamSocket::attach(s, tls_);
    return new TrackedConnection(s, params_, handlers_, watch_, options_);
  }

private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
  Poco::Net::Context::Ptr tls_;
  const ServerOptions& options_;
  ConnectionWatch& watch_;
};

}  // namespace

/// The gate accepts and waits for each connection's first byte; POCO's
/// dispatcher then serves it on a pool thread.
struct HttpServer::Impl {
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<ConnectionWatch> open;
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
  impl->open = std::make_unique<ConnectionWatch>(log_);
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
    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers(new Factory(*this, *impl->open));
    impl->dispatcher = new Poco::Net::TCPServerDispatcher(
        Poco::Net::TCPServerConnectionFactory::Ptr(
            new ConnectionFactory(params, handlers, tls, options_, *impl->open)),
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
  impl_->open->shutdown_all();
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
