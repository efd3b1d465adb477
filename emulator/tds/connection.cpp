#include "tds/connection.hpp"

#include "faults/sql_faults.hpp"
#include "tds/login7.hpp"
#include "tds/packet_io.hpp"
#include "tds/prelogin.hpp"
#include "tds/protocol_error.hpp"
#include "tds/request_handler.hpp"
#include "tds/tls_channel.hpp"
#include "tds/token_writer.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>

namespace milink::emulator::tds {

namespace {
constexpr std::size_t kMaxPreloginMessage = 64 * 1024;
constexpr std::size_t kMaxLoginMessage = 1024 * 1024;
constexpr std::size_t kMaxRequestMessage = 64u * 1024 * 1024;
constexpr std::size_t kDefaultPacketSize = 4096;

std::string packet_type_name(std::uint8_t t) {
  switch (t) {
    case packet_type::kSqlBatch: return "SQL_BATCH";
    case packet_type::kRpc: return "RPC";
    case packet_type::kReply: return "REPLY";
    case packet_type::kAttention: return "ATTENTION";
    case packet_type::kBulkLoad: return "BULK_LOAD";
    case packet_type::kTransactionManager: return "TRANSACTION_MANAGER";
    case packet_type::kLogin7: return "LOGIN7";
    case packet_type::kSspi: return "SSPI";
    case packet_type::kPrelogin: return "PRELOGIN";
    default: return "type " + type_name(t);
  }
}
}  // namespace

class Connection::Impl {
public:
  Impl(ServerContext& server, int fd, int spid, bool over_limit)
      : server_(server),
        fd_(fd),
        over_limit_(over_limit),
        deadline_(server.options.packet_timeout),
        socket_(fd, &deadline_),
        channel_(&socket_, &deadline_) {
    session_.spid = spid;
    session_.attention = [this] { return poll_attention(); };
    // A client that stops reading its reply gets packet_timeout per write.
    const auto ms = server.options.packet_timeout.count();
    timeval tv{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }

  void run() noexcept {
    try {
      serve();
    } catch (const ProtocolError& e) {
      ++server_.malformed;
      last_error_ = e.what();
      if (can_send_errors_) {
        try {
          TokenWriter tw(identity_, tds_version_);
          tw.message(malformed_stream_message());
          tw.done(token::kDone, done_status::kFinal, 0, 0);
          send(tw.finish(true));
        } catch (...) {
        }
      }
    } catch (const ConnectionClosed&) {
    } catch (const std::exception& e) {
      last_error_ = e.what();
    } catch (...) {
    }
    if (deadline_.expired) {
      ++server_.timed_out;
      last_error_ = logged_in_ ? "a packet was not complete within packet_timeout"
                               : "the login was not complete within login_timeout";
    }
    if (logged_in_) {
      try {
        server_.engine.disconnect(session_);
      } catch (...) {
      }
    }
    if (!reset_) close_gracefully();
  }

private:
  std::uint16_t spid() const noexcept { return static_cast<std::uint16_t>(session_.spid); }

  void send(const Bytes& data) {
    channel_.write_message(packet_type::kReply, data.data(), data.size(), spid(), packet_size_);
  }

  std::size_t max_incoming_packet() const noexcept {
    return std::min<std::size_t>(kMaxPacketSize, std::max<std::size_t>(packet_size_ * 2, 8192));
  }

  /// Polled by the engine while a request waits (WAITFOR DELAY): true once
  /// an ATTENTION has arrived for it. A request sent early stays queued.
  /// Never throws (the engine may be waiting with its lock released): a
  /// broken or closed connection counts as a cancel, and the next read
  /// finds out what happened.
  bool poll_attention() noexcept {
    if (attention_pending_) return true;
    try {
      if (!channel_.input_ready()) return false;
      auto p = channel_.read_packet(max_incoming_packet());
      if (p && p->type != packet_type::kAttention) {
        channel_.unread_packet(std::move(*p));
        return false;
      }
      if (p) ++server_.requests;
    } catch (...) {
    }
    attention_pending_ = true;
    return true;
  }

  /// Sends a reply, watching for an ATTENTION between packets. When one
  /// arrives, the reply to the cancelled request is cut at the next token
  /// boundary and ended there (a final DONE closes it when the cut dropped
  /// its last one, or when nothing had been sent yet), and the attention
  /// acknowledgement, DONE with DONE_ATTN, follows as a message of its own,
  /// as SQL Server answers (clients such as tedious read the reply to the
  /// request first, then wait for a separate acknowledgement).
  void send_reply(const Bytes& data, const std::vector<std::size_t>& starts) {
    const std::size_t chunk = packet_size_ - kHeaderSize;
    std::uint8_t id = 1;
    std::size_t off = 0;
    bool watch = true;
    while (off < data.size()) {
      if (watch && channel_.input_ready()) {
        auto p = channel_.read_packet(max_incoming_packet());
        if (!p) throw ConnectionClosed();
        if (p->type == packet_type::kAttention) {
          ++server_.requests;
          std::size_t cut = data.size();
          for (std::size_t s : starts)
            if (s >= off) {
              cut = s;
              break;
            }
          Bytes tail(data.begin() + static_cast<std::ptrdiff_t>(off), data.begin() + static_cast<std::ptrdiff_t>(cut));
          if (cut < data.size() || off == 0) {
            Bytes end = done_token(done_status::kFinal, tds_version_);
            tail.insert(tail.end(), end.begin(), end.end());
          }
          for (std::size_t o = 0; o < tail.size(); o += chunk) {
            std::size_t len = std::min(chunk, tail.size() - o);
            bool last = o + len == tail.size();
            channel_.write_packet(packet_type::kReply, last ? packet_status::kEom : 0, spid(), id++, tail.data() + o, len);
          }
          send(done_token(done_status::kAttn, tds_version_));
          return;
        }
        channel_.unread_packet(std::move(*p));  // the next request, sent early: keep it
        watch = false;
      }
      std::size_t len = std::min(chunk, data.size() - off);
      bool last = off + len == data.size();
      channel_.write_packet(packet_type::kReply, last ? packet_status::kEom : 0, spid(), id++, data.data() + off, len);
      off += len;
    }
  }

  void serve() {
    identity_ = server_.engine.identity();
    deadline_.set_phase(ReadDeadline::Clock::now() + server_.options.login_timeout);

    // PRELOGIN
    auto msg = channel_.read_message(kMaxPacketSize, kMaxPreloginMessage);
    if (!msg) return;
    if (msg->type != packet_type::kPrelogin)
      throw ProtocolError("expected PRELOGIN, got " + packet_type_name(msg->type));
    PreloginRequest pre = parse_prelogin(msg->payload);
    EncryptionDecision enc = negotiate_encryption(server_.options.encryption, pre.encryption);
    if (enc.use != TlsUse::None && enc.use != TlsUse::Refuse && !server_.tls) enc = {encrypt::kNotSup, TlsUse::None};
    send(build_prelogin_reply(identity_, enc.reply));
    if (enc.use == TlsUse::Refuse) {
      last_error_ = "the client does not support encryption, which the server requires";
      return;
    }

    // TLS handshake, wrapped in PRELOGIN packets
    if (enc.use != TlsUse::None) {
      can_send_errors_ = false;
      tls_ = std::make_unique<TlsStream>(*server_.tls, socket_);
      tls_->feed(channel_.take_buffered());
      tls_->handshake(channel_, spid(), kDefaultPacketSize);
      channel_.set_stream(tls_.get());
      can_send_errors_ = true;
    }

    // LOGIN7
    msg = channel_.read_message(kMaxPacketSize, kMaxLoginMessage);
    if (!msg) return;
    if (msg->type != packet_type::kLogin7) throw ProtocolError("expected LOGIN7, got " + packet_type_name(msg->type));
    if (enc.use == TlsUse::LoginOnly) {
      // Only the LOGIN7 packet was encrypted: back to plain text.
      Bytes plain = channel_.take_buffered();
      Bytes raw = tls_->take_unread();
      plain.insert(plain.end(), raw.begin(), raw.end());
      channel_.set_stream(&socket_);
      channel_.prepend_buffered(plain);
      tls_.reset();
    }
    Login7 login = parse_login7(msg->payload);
    tds_version_ = negotiate_tds_version(login.tds_version);
    packet_size_ = login.packet_size == 0 ? kDefaultPacketSize
                                          : std::clamp<std::size_t>(login.packet_size, 512, kMaxPacketSize);
    if (!this->login(login)) return;
    deadline_.set_phase(std::nullopt);

    // Requests
    RequestHandler handler(server_.engine, session_, identity_, tds_version_, server_.next_transaction);
    const bool all_headers = tds_version_ >= kTds72;
    for (;;) {
      msg = channel_.read_message(max_incoming_packet(), kMaxRequestMessage);
      if (!msg) return;
      if (msg->ignore) continue;
      ++server_.requests;
      TokenWriter tw(identity_, tds_version_);
      bool failed = false;
      // Injected faults (TdsServerOptions::faults): one draw per batch or RPC.
      std::optional<FaultsDrawnScope> drawn;
      const bool is_rpc = msg->type == packet_type::kRpc;
      if (server_.options.faults && (msg->type == packet_type::kSqlBatch || is_rpc)) {
        drawn.emplace();
        std::optional<Message> injected;
        for (const Fault& f : server_.options.faults->next(server_.options.fault_service)) {
          if (f.kind == Fault::Kind::Latency) {
            std::this_thread::sleep_for(std::chrono::milliseconds(f.value));
          } else if (f.kind == Fault::Kind::Reset || f.kind == Fault::Kind::Drop) {
            reset();
            return;
          } else if (f.kind == Fault::Kind::SqlError) {
            injected = injected_sql_error(f.value, session_.spid, identity_.name, session_.database);
          }
        }
        if (injected) {
          tw.message(*injected);
          tw.done(is_rpc ? token::kDoneProc : token::kDone, done_status::kFinal, 0, 0);
          Bytes reply = tw.finish(true);
          send_reply(reply, tw.token_starts());
          continue;
        }
      }
      try {
        if ((msg->status & (packet_status::kResetConnection | packet_status::kResetConnectionSkipTran)) != 0 &&
            msg->type != packet_type::kAttention)
          reset_session((msg->status & packet_status::kResetConnection) == 0, tw);
        switch (msg->type) {
          case packet_type::kSqlBatch:
            failed = handler.sql_batch(decode_sql_batch(msg->payload, all_headers), tw);
            break;
          case packet_type::kRpc: {
            Collation dflt = Collation::from_identity(identity_);
            failed = handler.rpc(decode_rpc(msg->payload, all_headers, dflt), tw);
            break;
          }
          case packet_type::kTransactionManager:
            failed = handler.transaction_manager(decode_transaction_manager(msg->payload, all_headers), tw);
            break;
          case packet_type::kAttention:
            send(done_token(done_status::kAttn, tds_version_));
            continue;
          default:
            throw ProtocolError("unexpected " + packet_type_name(msg->type) + " after login");
        }
      } catch (const InjectedConnectionReset&) {  // the engine drew a reset fault
        reset();
        return;
      }
      Bytes reply = tw.finish(failed);
      if (attention_pending_) {
        // Cancelled while it ran (WAITFOR DELAY): the reply as far as it got,
        // then the acknowledgement on its own, as send_reply does.
        attention_pending_ = false;
        send(reply);
        send(done_token(done_status::kAttn, tds_version_));
        continue;
      }
      send_reply(reply, tw.token_starts());
    }
  }

  /// sp_reset_connection, asked for by the RESETCONNECTION flag (or
  /// RESETCONNECTION_SKIPTRAN, \p keep_transaction) of a request's first
  /// packet, before the request runs: the engine restores the SET options and
  /// rolls back an open transaction (ENVCHANGE 10), the session returns to the
  /// login's database (ENVCHANGE 1 when it had moved), and ENVCHANGE 18
  /// acknowledges the reset.
  void reset_session(bool keep_transaction, TokenWriter& tw) {
    const std::uint64_t before = session_.transaction;
    server_.engine.reset(session_, keep_transaction);
    if (!keep_transaction) session_.transaction = 0;
    if (before != 0 && session_.transaction == 0) {
      Bytes old(8);
      for (int i = 0; i < 8; ++i) old[i] = static_cast<std::uint8_t>(before >> (8 * i));
      tw.envchange_bytes(envchange::kRollbackTran, {}, old);
    }
    if (session_.database != login_database_) {
      tw.envchange(envchange::kDatabase, login_database_, session_.database);
      session_.database = login_database_;
    }
    tw.envchange_bytes(envchange::kResetAck, {}, {});
  }

  /// Answers LOGIN7; false when the connection must end.
  bool login(const Login7& l) {
    TokenWriter tw(identity_, tds_version_);
    if (over_limit_) {
      Message m;
      m.number = 17809;
      m.severity = 20;
      m.state = 1;
      m.text = "Could not connect because the maximum number of '" + std::to_string(server_.options.max_connections) +
               "' user connections has already been reached. The system administrator can use sp_configure to "
               "increase the maximum value. The connection has been closed.";
      m.line = 0;
      tw.message(m);
      tw.done(token::kDone, done_status::kFinal, 0, 0);
      send(tw.finish(true));
      return false;
    }
    LoginRequest req;
    req.user = l.user;
    req.password = l.password;
    req.database = l.database;
    req.application = l.app_name;
    req.hostname = l.hostname;
    LoginResult result;
    try {
      result = server_.engine.login(req);
    } catch (const std::exception& e) {
      result.ok = false;
      result.error.number = 18456;
      result.error.severity = 14;
      result.error.text = "Login failed for user '" + l.user + "'.";
    }
    if (!result.ok) {
      Message m = result.error;
      if (m.number == 0) {
        m.number = 18456;
        m.severity = 14;
        m.state = 1;
        m.text = "Login failed for user '" + l.user + "'.";
      }
      if (!m.is_error()) m.severity = 14;
      tw.message(m);
      tw.done(token::kDone, done_status::kFinal, 0, 0);
      send(tw.finish(true));
      last_error_ = m.text;
      return false;
    }
    session_.login = l.user;
    session_.application = l.app_name;
    session_.database = !result.database.empty() ? result.database : !l.database.empty() ? l.database : "master";
    login_database_ = session_.database;
    logged_in_ = true;

    tw.envchange(envchange::kDatabase, session_.database, "master");
    Message db;
    db.number = 5701;
    db.severity = 0;
    db.state = 2;
    db.text = "Changed database context to '" + session_.database + "'.";
    tw.message(db);
    tw.collation_change();
    tw.envchange(envchange::kLanguage, "us_english", "");
    Message lang;
    lang.number = 5703;
    lang.severity = 0;
    lang.state = 1;
    lang.text = "Changed language setting to us_english.";
    tw.message(lang);
    tw.loginack(tds_version_);
    std::string size = std::to_string(packet_size_);
    tw.envchange(envchange::kPacketSize, size, size);
    tw.done(token::kDone, done_status::kFinal, 0, 0);
    send(tw.finish(false));
    return true;
  }

  /// An injected `reset` fault: the connection ends at once, unanswered; the
  /// server's close of the descriptor then sends a TCP reset (SO_LINGER 0).
  void reset() noexcept {
    reset_ = true;
    linger lg{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    ::shutdown(fd_, SHUT_RDWR);
  }

  /// Half-close and drain what the client still sends, so that our last
  /// packets are not lost to a TCP reset; the server closes the descriptor.
  void close_gracefully() noexcept {
    ::shutdown(fd_, SHUT_WR);
    timeval tv{0, 200 * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    std::size_t total = 0;
    char buf[4096];
    while (total < (1u << 20) && std::chrono::steady_clock::now() < deadline) {
      ssize_t r = ::recv(fd_, buf, sizeof buf, 0);
      if (r <= 0) break;
      total += static_cast<std::size_t>(r);
    }
    ::shutdown(fd_, SHUT_RDWR);
  }

  ServerContext& server_;
  int fd_;
  bool over_limit_;
  ReadDeadline deadline_;  ///< before socket_ and channel_, which read with it
  FdStream socket_;
  PacketChannel channel_;
  std::unique_ptr<TlsStream> tls_;
  ServerIdentity identity_;
  Session session_;
  bool attention_pending_ = false;  ///< an ATTENTION arrived while the request ran
  std::uint32_t tds_version_ = kTds74;
  std::size_t packet_size_ = kDefaultPacketSize;
  bool can_send_errors_ = true;
  bool logged_in_ = false;
  std::string login_database_;  ///< where sp_reset_connection returns the session
  bool reset_ = false;  ///< closed by an injected fault: no graceful close
  std::string last_error_;
};

Connection::Connection(ServerContext& server, int fd, int spid, bool over_limit)
    : impl_(std::make_unique<Impl>(server, fd, spid, over_limit)) {}
Connection::~Connection() = default;
void Connection::run() noexcept { impl_->run(); }

}  // namespace milink::emulator::tds
