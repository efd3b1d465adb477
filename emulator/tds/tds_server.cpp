#include "tds/tds_server.hpp"

#include "tds/connection.hpp"
#include "tds/tls_channel.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <list>
#include <mutex>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>

namespace milink::emulator {

const char* encryption_name(Encryption e) noexcept {
  switch (e) {
    case Encryption::NotSupported: return "not_supported";
    case Encryption::Off: return "off";
    case Encryption::On: return "on";
    case Encryption::Required: return "required";
  }
  return "unknown";
}

namespace {
/// Rejected connections (over max_connections) still get a thread to answer
/// the login with 17809; beyond this many at once they are just closed.
constexpr int kMaxRejectedInFlight = 64;
}  // namespace

class TdsServer::Impl {
public:
  Impl(Engine& engine, TdsServerOptions options) : engine_(engine), options_(std::move(options)) {}
  ~Impl() { stop(); }

  void start() {
    std::lock_guard<std::mutex> lock(lifecycle_);
    if (running_) return;
    if (options_.encryption != Encryption::NotSupported)
      tls_ = tds::TlsContext::create(options_.certificate_pem, options_.private_key_pem);

    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    const std::string where = options_.bind + ":" + std::to_string(options_.port);
    std::string port = std::to_string(options_.port);
    if (int rc = ::getaddrinfo(options_.bind.c_str(), port.c_str(), &hints, &res); rc != 0 || !res)
      throw std::runtime_error("TDS server cannot resolve " + where + ": " + ::gai_strerror(rc));
    int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      ::freeaddrinfo(res);
      throw std::runtime_error("TDS server cannot create a socket for " + where + ": " + std::strerror(errno));
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, res->ai_addr, res->ai_addrlen) != 0 || ::listen(fd, 1024) != 0) {
      int err = errno;
      ::freeaddrinfo(res);
      ::close(fd);
      throw std::runtime_error("TDS server cannot listen on " + where + ": " + std::strerror(err));
    }
    ::freeaddrinfo(res);
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                       : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    if (::pipe2(wake_, O_CLOEXEC) != 0) {
      ::close(fd);
      throw std::runtime_error(std::string("TDS server cannot create a pipe: ") + std::strerror(errno));
    }
    listen_fd_ = fd;
    running_ = true;
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  void stop() {
    std::lock_guard<std::mutex> lock(lifecycle_);
    if (!running_) return;
    char c = 1;
    (void)!::write(wake_[1], &c, 1);
    acceptor_.join();
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
    listen_fd_ = -1;
    {
      std::lock_guard<std::mutex> g(conns_mu_);
      for (auto& c : conns_) ::shutdown(c->fd, SHUT_RDWR);
    }
    for (auto& c : conns_) {
      if (c->thread.joinable()) c->thread.join();
      ::close(c->fd);
    }
    conns_.clear();
    running_ = false;
  }

  std::uint16_t port() const noexcept { return port_; }

  TdsServerStats stats() const {
    TdsServerStats s;
    s.connections_accepted = accepted_.load();
    s.connections_active = active_.load();
    s.connections_rejected = rejected_.load();
    s.requests = requests_.load();
    s.malformed = malformed_.load();
    s.timed_out = timed_out_.load();
    return s;
  }

private:
  struct Slot {
    int fd = -1;
    std::thread thread;
    std::atomic<bool> done{false};
  };

  void reap() {
    std::lock_guard<std::mutex> g(conns_mu_);
    for (auto it = conns_.begin(); it != conns_.end();) {
      if ((*it)->done.load()) {
        (*it)->thread.join();
        ::close((*it)->fd);
        it = conns_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void accept_loop() {
    for (;;) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      int r = ::poll(fds, 2, 200);
      reap();
      if (r < 0 && errno != EINTR) break;
      if (fds[1].revents) break;
      if (r <= 0 || !(fds[0].revents & POLLIN)) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++accepted_;
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      const bool over = static_cast<int>(active_.load()) >= options_.max_connections;
      if (over) {
        ++rejected_;
        if (rejected_in_flight_.load() >= kMaxRejectedInFlight) {
          ::close(fd);
          continue;
        }
        timeval tv{5, 0};  // a rejected client gets a few seconds to log in and read the error
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ++rejected_in_flight_;
      } else {
        ++active_;
      }
      int spid = next_spid();
      auto slot = std::make_unique<Slot>();
      slot->fd = fd;
      Slot* raw = slot.get();
      {
        std::lock_guard<std::mutex> g(conns_mu_);
        conns_.push_back(std::move(slot));
      }
      raw->thread = std::thread([this, raw, spid, over] {
        tds::ServerContext ctx{engine_, options_, tls_, requests_, malformed_, timed_out_, next_transaction_};
        {
          tds::Connection c(ctx, raw->fd, spid, over);
          c.run();
        }
        if (over)
          --rejected_in_flight_;
        else
          --active_;
        raw->done = true;
      });
    }
  }

  int next_spid() {
    std::lock_guard<std::mutex> g(spid_mu_);
    int s = spid_;
    spid_ = spid_ >= 32767 ? 51 : spid_ + 1;
    return s;
  }

  Engine& engine_;
  TdsServerOptions options_;
  std::shared_ptr<tds::TlsContext> tls_;
  std::mutex lifecycle_;
  bool running_ = false;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  std::uint16_t port_ = 0;
  std::thread acceptor_;
  std::mutex conns_mu_;
  std::list<std::unique_ptr<Slot>> conns_;
  std::mutex spid_mu_;
  int spid_ = 51;
  std::atomic<std::uint64_t> accepted_{0}, active_{0}, rejected_{0}, requests_{0}, malformed_{0}, timed_out_{0};
  std::atomic<int> rejected_in_flight_{0};
  std::atomic<std::uint64_t> next_transaction_{1};
};

TdsServer::TdsServer(Engine& engine, TdsServerOptions options)
    : impl_(std::make_unique<Impl>(engine, std::move(options))) {}
TdsServer::~TdsServer() { impl_->stop(); }
void TdsServer::start() { impl_->start(); }
void TdsServer::stop() { impl_->stop(); }
std::uint16_t TdsServer::port() const noexcept { return impl_->port(); }
TdsServerStats TdsServer::stats() const { return impl_->stats(); }

}  // namespace milink::emulator
