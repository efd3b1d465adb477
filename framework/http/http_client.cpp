#include "http/http_client.hpp"

#include "http/session_pool.hpp"
#include "http/url.hpp"
#include "http/x509_text.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/String.h>
#include <Poco/Timespan.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace milink::http {

using milink::sdk::HttpHeader;
using milink::sdk::HttpRequest;
using milink::sdk::HttpResponse;

const char* failure_name(Failure f) noexcept {
  switch (f) {
    case Failure::None: return "none";
    case Failure::Policy: return "refused by policy";
    case Failure::Config: return "configuration";
    case Failure::Dns: return "name resolution";
    case Failure::Refused: return "connection refused";
    case Failure::Reset: return "connection dropped";
    case Failure::Timeout: return "timeout";
    case Failure::Tls: return "TLS";
    case Failure::Other: return "other";
  }
  return "?";
}

bool transient(Failure f) noexcept {
  return f == Failure::Refused || f == Failure::Reset || f == Failure::Timeout || f == Failure::Other;
}

namespace {

// ---- certificate verification ------------------------------------------
//
// OpenSSL verifies the chain during the handshake, which runs on the thread
// that sends the request; this callback replaces POCO's (which would consult
// process-wide "invalid certificate handlers" that could accept anything).
// It records why verification failed for the error message, and checks the
// host name itself, for loopback too (POCO skips that for loopback unless
// VERIFY_STRICT).

struct Handshake {
  std::string expected_host;
  bool failed = false;
  bool host_mismatch = false;
  int error = 0;
  std::string reason;
  std::string subject;  ///< of the certificate the failure is about
  std::string issuer;
  std::string names;    ///< SANs of the server's certificate
};

thread_local Handshake t_handshake;

int verify_callback(int ok, X509_STORE_CTX* store) {
  Handshake& st = t_handshake;
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  int depth = X509_STORE_CTX_get_error_depth(store);
  if (!ok) {
    if (!st.failed) {
      st.failed = true;
      st.error = X509_STORE_CTX_get_error(store);
      st.reason = X509_verify_cert_error_string(st.error);
      if (cert != nullptr) {
        st.subject = name_of(X509_get_subject_name(cert));
        st.issuer = name_of(X509_get_issuer_name(cert));
      }
    }
    return 0;
  }
  if (depth == 0 && cert != nullptr) {
    st.names = alt_names(cert);
    if (!host_matches(cert, st.expected_host)) {
      st.failed = true;
      st.host_mismatch = true;
      st.subject = name_of(X509_get_subject_name(cert));
      X509_STORE_CTX_set_error(store, X509_V_ERR_HOSTNAME_MISMATCH);
      return 0;
    }
  }
  return 1;
}

std::string tls_failure_message(const Url& url, const ClientOptions& opts) {
  const Handshake& st = t_handshake;
  std::string where = url.origin();
  if (st.host_mismatch) {
    return "TLS: the certificate of " + where + " is not valid for host \"" + url.host + "\" (it names " +
           (st.names.empty() ? "subject " + st.subject : st.names) +
           "); connect with a host name the certificate lists, or give the server a certificate for \"" +
           url.host + "\"";
  }
  std::string detail = st.reason;
  if (!st.subject.empty()) detail += "; certificate " + st.subject;
  if (!st.issuer.empty() && st.issuer != st.subject) detail += ", issued by " + st.issuer;
  switch (st.error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "TLS: the certificate of " + where + " is not trusted (" + detail +
             "); check the server's certificate dates and this machine's clock";
    default:
      break;
  }
  std::string msg = "TLS: the certificate of " + where + " is not trusted (" + detail + "). To trust it, set " +
                    opts.ca_file_setting +
                    " in the config to the CA bundle that issued it (for the emulator: the file written by "
                    "`milink-emulator --ca-out`)";
  if (!opts.ca_file.empty()) msg += "; the current " + opts.ca_file_setting + " (" + opts.ca_file + ") does not contain that CA";
  return msg;
}

bool valid_token(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
  });
}

bool has_crlf(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

/// Enforces a request's overall deadline. POCO's socket timeouts do not
/// bound a TLS read (its SSL layer retries a timed-out read forever), so when
/// the deadline passes this shuts the connection down, which makes the
/// blocked read fail; the request then reports a timeout, and the
/// connection, shut down, is never kept.
class Deadline {
public:
  Deadline(std::chrono::steady_clock::time_point due, Poco::Net::HTTPClientSession& session)
      : session_(session), thread_([this, due] { run(due); }) {}
  ~Deadline() { finish(); }
  bool expired() const noexcept { return expired_; }
  /// Stops watching (joins the watcher); true when the deadline passed
  /// first and the connection was shut down.
  bool finish() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    return expired_;
  }

private:
  void run(std::chrono::steady_clock::time_point due) {
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_until(lock, due, [this] { return done_; })) return;
    expired_ = true;
    try {
      poco_socket_t fd = session_.socket().impl()->sockfd();
      if (fd != POCO_INVALID_SOCKET) ::shutdown(fd, SHUT_RDWR);
    } catch (...) {
    }
  }

  Poco::Net::HTTPClientSession& session_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::atomic<bool> expired_{false};
  std::thread thread_;
};

/// Methods a client may repeat after a connection failure (RFC 9110 9.2.2).
bool idempotent(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS" ||
         method == "TRACE";
}

}  // namespace

struct Client::Tls {
  Poco::Net::Context::Ptr context;
};

Client::Client(ClientOptions options)
    : options_(std::move(options)),
      pool_(std::make_unique<SessionPool>(PoolLimits{options_.max_idle_per_origin, options_.idle_timeout})) {}
Client::~Client() = default;

std::size_t Client::idle_connections() const { return pool_->idle(); }

Client::Tls* Client::tls(std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  if (tls_tried_) {
    if (!tls_) error = tls_error_;
    return tls_.get();
  }
  tls_tried_ = true;
  try {
    Poco::Net::Context::Params p;
    p.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    p.loadDefaultCAs = true;  // the system's CA store
    p.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES:@STRENGTH";
    auto t = std::make_unique<Tls>();
    t->context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, p);
    t->context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    t->context->enableExtendedCertificateVerification(true);
    SSL_CTX_set_verify(t->context->sslContext(), SSL_VERIFY_PEER, &verify_callback);
    if (!options_.ca_file.empty() &&
        !load_ca_file(options_.ca_file, options_.ca_file_setting, SSL_CTX_get_cert_store(t->context->sslContext()),
                      tls_error_)) {
      error = tls_error_;
      return nullptr;
    }
    tls_ = std::move(t);
  } catch (const Poco::Exception& e) {
    tls_error_ = "cannot set up TLS: " + e.displayText();
  } catch (const std::exception& e) {
    tls_error_ = std::string("cannot set up TLS: ") + e.what();
  }
  if (!tls_) error = tls_error_;
  return tls_.get();
}

bool Client::send(const HttpRequest& request, HttpResponse& response, std::string& error) noexcept {
  Failure f = Failure::None;
  return exchange(request, response, f, error);
}

bool Client::exchange(const HttpRequest& request, HttpResponse& response, Failure& failure,
                      std::string& error) noexcept {
  failure = Failure::None;
  response = HttpResponse{};
  Url url;
  std::string perr;
  if (!parse_url(request.url, url, perr)) {
    failure = Failure::Policy;
    error = perr;
    return false;
  }
  if (!valid_token(request.method)) {
    failure = Failure::Policy;
    error = "invalid HTTP method \"" + request.method + "\"";
    return false;
  }
  if (url.scheme == "http" && !plain_http_allowed(url.host)) {
    failure = Failure::Policy;
    error = "refusing plain http:// to " + url.host + ": milink talks to remote hosts only over https:// "
            "(http:// is allowed only for loopback and the instance metadata service 169.254.169.254)";
    return false;
  }
  for (const auto& h : request.headers) {
    if (!valid_token(h.name) || has_crlf(h.value)) {
      failure = Failure::Policy;
      error = "invalid HTTP header \"" + h.name + "\" in request to " + url.display();
      return false;
    }
  }
  Poco::Net::Context::Ptr context;
  if (url.scheme == "https") {
    Tls* t = tls(error);
    if (t == nullptr) {
      failure = Failure::Config;
      return false;
    }
    context = t->context;
  }
  const std::string origin = url.origin();
  const auto due = std::chrono::steady_clock::now() + std::chrono::seconds(std::max(1, request.timeout_seconds));
  // Only idempotent requests go on a reused connection (see the header).
  const bool may_reuse = idempotent(request.method);
  for (bool retry = false;; retry = true) {
    std::unique_ptr<Connection> connection = may_reuse && !retry ? pool_->take(origin) : nullptr;
    const bool reused = connection != nullptr;
    if (!reused) {
      try {
        connection = url.scheme == "https" ? tls_connection(url.host, url.port, context)
                                           : plain_connection(url.host, url.port);
      } catch (const std::exception& e) {
        failure = Failure::Other;
        error = request.method + " " + url.display() + ": " + e.what();
        return false;
      }
    }
    bool keep = false;
    bool began = false;
    const bool ok = attempt(request, url, *connection, due, response, failure, error, keep, began);
    if (keep) pool_->give(origin, std::move(connection));
    // The server closed a kept connection (idle too long for it, or going
    // away) just as the request went out: once more, on a new connection.
    if (!ok && reused && !began && failure == Failure::Reset && std::chrono::steady_clock::now() < due) {
      failure = Failure::None;
      error.clear();
      continue;
    }
    return ok;
  }
}

bool Client::attempt(const HttpRequest& request, const Url& url, Connection& connection,
                     std::chrono::steady_clock::time_point due, HttpResponse& response, Failure& failure,
                     std::string& error, bool& keep, bool& began) noexcept {
  keep = false;
  began = false;
  response = HttpResponse{};
  const std::string what = request.method + " " + url.display();
  // The handshake of a new connection runs on this thread, in this call; a
  // kept connection was verified for this same host when it was opened.
  Handshake& hs = t_handshake;
  hs = Handshake{};
  hs.expected_host = url.host;
  Poco::Net::HTTPClientSession& session = connection.session();
  std::unique_ptr<Deadline> deadline;
  auto timed_out = [&] {
    failure = Failure::Timeout;
    error = what + ": timed out after " + std::to_string(std::max(1, request.timeout_seconds)) + " s";
    response = HttpResponse{};
    return false;
  };
  try {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(due - std::chrono::steady_clock::now());
    if (left.count() <= 0) return timed_out();
    Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(left.count()));
    session.setTimeout(timeout, timeout, timeout);
    session.setKeepAlive(true);
    // The pool decides when a connection is too old; POCO must not
    // silently reconnect a session it thinks idle for too long.
    session.setKeepAliveTimeout(Poco::Timespan(24 * 3600, 0));
    deadline = std::make_unique<Deadline>(due, session);

    Poco::Net::HTTPRequest req(request.method, url.path_and_query, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    bool has_agent = false;
    for (const auto& h : request.headers) {
      req.add(h.name, h.value);
      if (Poco::icompare(h.name, "User-Agent") == 0) has_agent = true;
    }
    if (!has_agent) req.set("User-Agent", options_.user_agent);
    bool send_body = !request.body.empty() || request.method == "POST" || request.method == "PUT" ||
                     request.method == "PATCH";
    if (send_body) req.setContentLength(static_cast<std::streamsize>(request.body.size()));

    std::ostream& os = session.sendRequest(req);
    if (send_body) os.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
    os.flush();

    Poco::Net::HTTPResponse resp;
    began = connection.response_begins();
    std::istream& in = session.receiveResponse(resp);
    response.status = static_cast<int>(resp.getStatus());
    response.reason = resp.getReason();
    for (const auto& [name, value] : resp) response.headers.push_back(HttpHeader{name, value});
    // Whether the end of the body is known without the server closing.
    bool framed = true;
    if (request.method != "HEAD" && response.status != 204 && response.status != 304) {
      framed = resp.getChunkedTransferEncoding() || resp.hasContentLength();
      char buf[16384];
      while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        response.body.append(buf, static_cast<std::size_t>(in.gcount()));
        if (response.body.size() > options_.max_response_bytes) {
          failure = Failure::Other;
          error = what + ": the response is larger than " + std::to_string(options_.max_response_bytes >> 20) +
                  " MiB; refusing it";
          response = HttpResponse{};
          return false;
        }
      }
      if (deadline->expired()) return timed_out();
      if (resp.hasContentLength() && resp.getContentLength64() >= 0 &&
          static_cast<std::uint64_t>(response.body.size()) < static_cast<std::uint64_t>(resp.getContentLength64())) {
        failure = Failure::Reset;
        error = what + ": the connection closed before the whole response arrived (" +
                std::to_string(response.body.size()) + " of " + std::to_string(resp.getContentLength64()) + " bytes)";
        response = HttpResponse{};
        return false;
      }
      if (in.bad()) framed = false;  // the body ended in a read error
    }
    // Kept for the next request only when the whole exchange is over and
    // the connection is as the server left it, ready for another request:
    // HTTP/1.1, no "Connection: close", a body of known length read whole,
    // nothing unread, and no deadline shut it down (not even just now).
    const bool shut_down = deadline->finish();
    keep = framed && !shut_down && resp.getVersion() == Poco::Net::HTTPMessage::HTTP_1_1 && resp.getKeepAlive() &&
           session.connected() && !connection.has_unread();
    return true;
  } catch (const Poco::Exception& e) {
    response = HttpResponse{};
    if (deadline && deadline->expired()) return timed_out();
    if (hs.failed) {
      failure = Failure::Tls;
      error = tls_failure_message(url, options_);
      return false;
    }
    std::string text = e.displayText();
    if (dynamic_cast<const Poco::Net::SSLConnectionUnexpectedlyClosedException*>(&e) != nullptr) {
      failure = Failure::Reset;
    } else if (dynamic_cast<const Poco::Net::SSLException*>(&e) != nullptr) {
      std::string lower = text;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      if (lower.find("unexpected eof") != std::string::npos || lower.find("unexpectedly closed") != std::string::npos ||
          lower.find("reset") != std::string::npos) {
        failure = Failure::Reset;
      } else {
        failure = Failure::Tls;
        error = "TLS handshake with " + url.origin() + " failed: " + text +
                " (milink requires TLS 1.2 or newer and a verifiable certificate)";
        return false;
      }
    } else if (dynamic_cast<const Poco::Net::ConnectionRefusedException*>(&e) != nullptr) {
      failure = Failure::Refused;
    } else if (dynamic_cast<const Poco::Net::DNSException*>(&e) != nullptr) {
      failure = Failure::Dns;
      error = "cannot resolve host \"" + url.host + "\" (" + what + "): " + text;
      return false;
    } else if (dynamic_cast<const Poco::TimeoutException*>(&e) != nullptr) {
      return timed_out();
    } else if (dynamic_cast<const Poco::Net::ConnectionResetException*>(&e) != nullptr ||
               dynamic_cast<const Poco::Net::ConnectionAbortedException*>(&e) != nullptr ||
               dynamic_cast<const Poco::Net::NoMessageException*>(&e) != nullptr) {
      failure = Failure::Reset;
    } else if (dynamic_cast<const Poco::Net::MessageException*>(&e) != nullptr) {
      failure = Failure::Other;
      error = what + ": malformed HTTP response: " + text;
      return false;
    } else if (dynamic_cast<const Poco::IOException*>(&e) != nullptr) {
      failure = Failure::Reset;
    } else {
      failure = Failure::Other;
    }
    error = what + ": " + failure_name(failure) + " (" + text + ")";
    return false;
  } catch (const std::exception& e) {
    response = HttpResponse{};
    if (deadline && deadline->expired()) return timed_out();
    failure = hs.failed ? Failure::Tls : Failure::Other;
    error = hs.failed ? tls_failure_message(url, options_) : what + ": " + e.what();
    return false;
  } catch (...) {
    response = HttpResponse{};
    failure = Failure::Other;
    error = what + ": unknown error";
    return false;
  }
}

bool RefusingClient::send(const HttpRequest& request, HttpResponse& response, std::string& error) noexcept {
  response = HttpResponse{};
  error = reason_;
  return false;
}

}  // namespace milink::http
