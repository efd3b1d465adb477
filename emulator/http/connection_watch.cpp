#include "http/connection_watch.hpp"

#include "http/encoding.hpp"

#include <sys/socket.h>

namespace milink::emulator::http {

ConnectionWatch::ConnectionWatch(std::shared_ptr<RequestLog> log) : log_(std::move(log)) {
  thread_ = std::thread([this] { run(); });
}

ConnectionWatch::~ConnectionWatch() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

ConnectionWatch::Watched* ConnectionWatch::find(const Poco::Net::StreamSocket& s) {
  for (Watched& w : open_)
    if (w.socket.impl() == s.impl()) return &w;
  return nullptr;
}

void ConnectionWatch::add(const Poco::Net::StreamSocket& s) {
  std::lock_guard<std::mutex> l(mu_);
  open_.push_back(Watched{s, false, {}, {}, {}});
}

void ConnectionWatch::remove(const Poco::Net::StreamSocket& s) {
  std::lock_guard<std::mutex> l(mu_);
  for (auto it = open_.begin(); it != open_.end(); ++it)
    if (it->socket.impl() == s.impl()) {
      open_.erase(it);
      return;
    }
}

void ConnectionWatch::arm(const Poco::Net::StreamSocket& s, Clock::time_point deadline, LogEntry entry) {
  {
    std::lock_guard<std::mutex> l(mu_);
    Watched* w = find(s);
    if (w == nullptr) return;
    w->armed = true;
    w->deadline = deadline;
    w->since = Clock::now();
    w->entry = std::move(entry);
  }
  changed_.notify_all();
}

bool ConnectionWatch::disarm(const Poco::Net::StreamSocket& s) {
  std::lock_guard<std::mutex> l(mu_);
  Watched* w = find(s);
  if (w == nullptr || !w->armed) return false;
  w->armed = false;
  return true;
}

void ConnectionWatch::shutdown_all() {
  std::lock_guard<std::mutex> l(mu_);
  for (Watched& w : open_) {
    try {
      w.socket.shutdown();
    } catch (...) {
    }
  }
}

void ConnectionWatch::run() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stopping_) {
    const auto now = Clock::now();
    auto next = now + std::chrono::seconds(1);
    for (Watched& w : open_) {
      if (!w.armed) continue;
      if (w.deadline > now) {
        next = std::min(next, w.deadline);
        continue;
      }
      // Logged first: a client that sees the close finds it in the log.
      w.armed = false;
      LogEntry e = w.entry;
      e.status = 0;
      e.unix_time = unix_now();
      e.milliseconds = std::chrono::duration<double, std::milli>(now - w.since).count();
      log_->add(std::move(e));
      // The raw descriptor, not SSL_shutdown: the serving thread may be
      // inside SSL_read on it. Its read now ends and the connection with it.
      ::shutdown(w.socket.impl()->sockfd(), SHUT_RDWR);
    }
    changed_.wait_until(l, next);
  }
}

}  // namespace milink::emulator::http
