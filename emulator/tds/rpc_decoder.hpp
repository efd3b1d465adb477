//===- emulator/tds/rpc_decoder.hpp - Request payload decoding --*- C++ -*-===//
///
/// \file
/// Decodes the payloads of post-login requests: ALL_HEADERS, SQL_BATCH text,
/// RPC calls (ProcID or name, parameters with TYPE_INFO and values) and
/// TRANSACTION_MANAGER requests; and the parameter declaration string of
/// sp_executesql/sp_prepare ("@P1 INT,@P2 VARCHAR(50) OUTPUT").
///
//===----------------------------------------------------------------------===//
#pragma once

#include "tds/type_codec.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace milink::emulator::tds {

/// ALL_HEADERS, when the TDS version has them (7.2+).
struct AllHeaders {
  std::uint64_t transaction_descriptor = 0;
  std::uint32_t outstanding_requests = 1;
};
/// Reads ALL_HEADERS at the reader's position. Throws ProtocolError when
/// TotalLength or a header length is impossible.
AllHeaders read_all_headers(ByteReader& r);

struct SqlBatch {
  AllHeaders headers;
  std::string text;  ///< UTF-8
};
SqlBatch decode_sql_batch(const Bytes& payload, bool has_all_headers);

struct RpcParam {
  std::string name;  ///< with '@', or empty
  std::uint8_t status = 0;  ///< 0x01 by reference (output), 0x02 default value
  TypeInfo type;
  SqlValue value;
  bool output() const noexcept { return (status & 0x01) != 0; }
};

struct RpcCall {
  std::string name;          ///< the procedure name; for ProcIDs the well-known name
  std::uint16_t proc_id = 0; ///< 0 when called by name
  std::uint16_t options = 0;
  std::vector<RpcParam> params;
};

struct RpcRequest {
  AllHeaders headers;
  std::vector<RpcCall> calls;  ///< several when batched (0x80/0xFF separators)
};

/// Well-known ProcIDs.
namespace proc_id {
constexpr std::uint16_t kExecuteSql = 10, kPrepare = 11, kExecute = 12, kPrepExec = 13, kPrepExecRpc = 14,
                        kUnprepare = 15;
}
/// "sp_executesql" for 10, ...; empty for unknown ids.
std::string proc_name(std::uint16_t id);

/// Throws ProtocolError for truncated or inconsistent data (with the
/// parameter's number in the message).
RpcRequest decode_rpc(const Bytes& payload, bool has_all_headers, const Collation& default_collation);

struct TransactionManagerRequest {
  AllHeaders headers;
  std::uint16_t type = 0;  ///< 5 BEGIN, 7 COMMIT, 8 ROLLBACK, 9 SAVE, 0/1/6 DTC
  std::uint8_t isolation_level = 0;
  std::string name;  ///< B_USVARBYTE on the wire: its length counts bytes, as clients write it
  bool begin_new = false;  ///< COMMIT/ROLLBACK with fBeginXact
  std::uint8_t new_isolation_level = 0;
  std::string new_name;
};
TransactionManagerRequest decode_transaction_manager(const Bytes& payload, bool has_all_headers);

/// One parameter of a declaration string.
struct DeclaredParam {
  std::string name;  ///< "@P1"
  std::string type;  ///< "VARCHAR(50)", as written
  bool output = false;
};
/// Splits "@P1 INT,@P2 VARCHAR(50) OUTPUT" at top-level commas. Never throws;
/// entries without a name are skipped.
std::vector<DeclaredParam> parse_declaration(const std::string& declaration);
/// The SqlType of a declared T-SQL type name ("varchar(50)" -> NVarChar).
SqlType sql_type_of_declared(const std::string& type);

}  // namespace milink::emulator::tds
