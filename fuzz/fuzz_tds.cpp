// fuzz_tds: the emulator's TDS packet decoder (emulator/tds). The input is
// the byte stream a client sends: packets are reassembled into messages as
// the server does (PacketChannel), and each message is decoded by type:
// PRELOGIN, LOGIN7, SQL batch, RPC (parameter TYPE_INFO and values) and
// TRANSACTION_MANAGER. Malformed input must end in ProtocolError or
// ConnectionClosed, never in a crash or an out-of-bounds read.
#include "tds/login7.hpp"
#include "tds/packet_io.hpp"
#include "tds/prelogin.hpp"
#include "tds/protocol_error.hpp"
#include "tds/rpc_decoder.hpp"
#include "tds/tds_server.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tds = milink::emulator::tds;

namespace {

/// The fuzz input as a socket that delivers it in small reads.
class MemoryStream final : public tds::Stream {
public:
  MemoryStream(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::size_t read_some(std::uint8_t* buf, std::size_t n) override {
    std::size_t k = std::min({n, size_ - pos_, std::size_t{977}});
    if (k) std::memcpy(buf, data_ + pos_, k);
    pos_ += k;
    return k;
  }
  void write_all(const std::uint8_t*, std::size_t) override {}
  bool readable_now() override { return pos_ < size_; }

private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

void decode(const tds::TdsMessage& m) {
  const bool all_headers = true;
  switch (m.type) {
    case tds::packet_type::kPrelogin: {
      auto p = tds::parse_prelogin(m.payload);
      tds::negotiate_encryption(milink::emulator::Encryption::Off, p.encryption);
      break;
    }
    case tds::packet_type::kLogin7: tds::parse_login7(m.payload); break;
    case tds::packet_type::kSqlBatch:
      tds::decode_sql_batch(m.payload, all_headers);
      tds::decode_sql_batch(m.payload, !all_headers);
      break;
    case tds::packet_type::kRpc: {
      auto req = tds::decode_rpc(m.payload, all_headers, tds::Collation{});
      for (const auto& call : req.calls)
        for (const auto& p : call.params)
          if (p.value.type() == milink::sdk::SqlType::NVarChar && !p.value.is_null()) tds::parse_declaration(p.value.as_string());
      break;
    }
    case tds::packet_type::kTransactionManager: tds::decode_transaction_manager(m.payload, all_headers); break;
    default: break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  MemoryStream stream(data, size);
  tds::PacketChannel channel(&stream);
  try {
    for (int i = 0; i < 16; ++i) {
      auto msg = channel.read_message(32767, 1 << 20);
      if (!msg) break;
      try {
        decode(*msg);
      } catch (const tds::ProtocolError&) {
      }
    }
  } catch (const tds::ProtocolError&) {
  } catch (const tds::ConnectionClosed&) {
  }
  return 0;
}
