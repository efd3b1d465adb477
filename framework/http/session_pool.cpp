#include "http/session_pool.hpp"

#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SecureStreamSocketImpl.h>
#include <Poco/Net/Socket.h>
#include <Poco/Timespan.h>

#include <cstdio>

namespace milink::http {

namespace {

template <class Base>
class SessionOf final : public Base, public Connection {
public:
  template <class... Args>
  explicit SessionOf(Args&&... args) : Base(std::forward<Args>(args)...) {}
  ~SessionOf() override {
    // A request whose sending failed leaves bytes in POCO's request stream.
    // The base destructor would flush them through HTTPClientSession::write,
    // which on a keep-alive session connects anew to write them. Drop them
    // while this class's write() is still in place, the socket closed
    // first (receiveResponse() releases the request stream, then fails).
    try {
      this->close();
      Poco::Net::HTTPResponse ignored;
      this->receiveResponse(ignored);
    } catch (...) {
    }
  }

  Poco::Net::HTTPClientSession& session() noexcept override { return *this; }
  bool response_begins() override { return this->peek() != EOF; }
  bool has_unread() const noexcept override { return this->buffered() > 0; }

protected:
  // HTTPClientSession::write reconnects and writes again when the first
  // write of a keep-alive request fails; skip that (see Connection).
  int write(const char* buffer, std::streamsize length) override {
    return Poco::Net::HTTPSession::write(buffer, length);
  }
};

/// False when the server closed the idle connection (or sent something
/// unasked): readable before a request was sent.
bool still_open(Connection& c) {
  try {
    Poco::Net::HTTPClientSession& s = c.session();
    if (!s.connected() || c.has_unread()) return false;
    return !s.socket().poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR);
  } catch (...) {
    return false;
  }
}

}  // namespace

Connection::~Connection() = default;

std::unique_ptr<Connection> plain_connection(const std::string& host, std::uint16_t port) {
  return std::make_unique<SessionOf<Poco::Net::HTTPClientSession>>(host, port);
}

std::unique_ptr<Connection> tls_connection(const std::string& host, std::uint16_t port,
                                           Poco::Net::Context::Ptr context) {
  auto c = std::make_unique<SessionOf<Poco::Net::HTTPSClientSession>>(host, port, context);
  // Handshake on first use, after the TCP connect has published the
  // socket's descriptor, so that a request's deadline can interrupt a
  // stalled handshake too.
  if (auto* impl = dynamic_cast<Poco::Net::SecureStreamSocketImpl*>(c->socket().impl()))
    impl->setLazyHandshake(true);
  return c;
}

SessionPool::~SessionPool() {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.clear();
}

void SessionPool::expire(std::chrono::steady_clock::time_point now, Closing& closing) {
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& list = it->second;
    while (!list.empty() && now - list.front().since >= limits_.idle_timeout) {
      closing.push_back(std::move(list.front().connection));
      list.pop_front();
    }
    it = list.empty() ? idle_.erase(it) : std::next(it);
  }
}

std::unique_ptr<Connection> SessionPool::take(const std::string& origin) {
  Closing closing;  // closed after the lock is released (a TLS close writes)
  for (;;) {
    std::unique_ptr<Connection> c;
    {
      std::lock_guard<std::mutex> lock(mu_);
      expire(std::chrono::steady_clock::now(), closing);
      auto it = idle_.find(origin);
      if (it == idle_.end()) return nullptr;
      c = std::move(it->second.back().connection);
      it->second.pop_back();
      if (it->second.empty()) idle_.erase(it);
    }
    if (still_open(*c)) return c;
    closing.push_back(std::move(c));
  }
}

void SessionPool::give(const std::string& origin, std::unique_ptr<Connection> connection) {
  Closing closing;
  if (limits_.max_idle_per_origin == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto now = std::chrono::steady_clock::now();
  expire(now, closing);
  auto& list = idle_[origin];
  list.push_back(Idle{std::move(connection), now});
  while (list.size() > limits_.max_idle_per_origin) {
    closing.push_back(std::move(list.front().connection));
    list.pop_front();
  }
}

std::size_t SessionPool::idle() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::size_t n = 0;
  for (const auto& [origin, list] : idle_) n += list.size();
  return n;
}

}  // namespace milink::http
