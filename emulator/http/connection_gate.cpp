#include "http/connection_gate.hpp"

#include <algorithm>
#include <cerrno>
#include <deque>
#include <fcntl.h>
#include <poll.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace milink::emulator::http {

namespace {

using Clock = std::chrono::steady_clock;

struct Waiting {
  Poco::Net::StreamSocket socket;
  Clock::time_point deadline;
};

void close_quietly(Poco::Net::StreamSocket& s) {
  try {
    s.close();
  } catch (...) {
  }
}

}  // namespace

ConnectionGate::ConnectionGate(Poco::Net::ServerSocket listener, Ready ready, std::chrono::milliseconds timeout,
                               std::size_t max_waiting)
    : listener_(std::move(listener)), ready_(std::move(ready)), timeout_(timeout), max_waiting_(max_waiting) {
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  listener_.setBlocking(false);
  thread_ = std::thread([this] { run(); });
}

ConnectionGate::~ConnectionGate() {
  stop();
  for (int fd : wake_)
    if (fd >= 0) ::close(fd);
}

void ConnectionGate::stop() {
  if (stopping_.exchange(true)) return;
  const char byte = 0;
  [[maybe_unused]] auto n = ::write(wake_[1], &byte, 1);
  if (thread_.joinable()) thread_.join();
}

void ConnectionGate::run() {
  std::deque<Waiting> waiting;
  std::vector<pollfd> fds;
  while (!stopping_) {
    fds.clear();
    fds.push_back(pollfd{listener_.impl()->sockfd(), POLLIN, 0});
    fds.push_back(pollfd{wake_[0], POLLIN, 0});
    auto now = Clock::now();
    auto wait = std::chrono::milliseconds(1000);
    for (const Waiting& w : waiting) {
      fds.push_back(pollfd{w.socket.impl()->sockfd(), POLLIN, 0});
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(w.deadline - now);
      wait = std::max(std::chrono::milliseconds(0), std::min(wait, left + std::chrono::milliseconds(1)));
    }
    if (::poll(fds.data(), fds.size(), static_cast<int>(wait.count())) < 0 && errno != EINTR) break;
    if (stopping_) break;

    now = Clock::now();
    std::deque<Waiting> still;
    for (std::size_t i = 0; i < waiting.size(); ++i) {
      if (fds[i + 2].revents != 0) {
        try {
          ready_(waiting[i].socket);
        } catch (...) {
          close_quietly(waiting[i].socket);
        }
      } else if (waiting[i].deadline <= now) {
        close_quietly(waiting[i].socket);
      } else {
        still.push_back(std::move(waiting[i]));
      }
    }
    waiting.swap(still);

    if (fds[0].revents & POLLIN) {
      // Non-blocking listener: a connection reset before accept() just fails.
      for (int k = 0; k < 64; ++k) {
        try {
          Poco::Net::StreamSocket s = listener_.acceptConnection();
          s.setBlocking(true);
          waiting.push_back(Waiting{std::move(s), now + timeout_});
        } catch (...) {
          break;
        }
        if (waiting.size() > max_waiting_) {
          close_quietly(waiting.front().socket);
          waiting.pop_front();
        }
      }
    }
  }
  for (Waiting& w : waiting) close_quietly(w.socket);
  try {
    listener_.close();
  } catch (...) {
  }
}

}  // namespace milink::emulator::http
