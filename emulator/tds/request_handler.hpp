//===- emulator/tds/request_handler.hpp - Requests to Engine calls -*- C++ -*-===//
///
/// \file
/// Turns decoded post-login requests into Engine calls and their Responses
/// into tokens: SQL_BATCH -> execute; RPC sp_executesql / sp_prepare /
/// sp_execute / sp_prepexec / sp_unprepare (by ProcID or name) with the
/// connection's prepared-statement handles; any other procedure ->
/// execute_procedure; TRANSACTION_MANAGER -> transaction + ENVCHANGE 8/9/10,
/// with named transactions and savepoints (SAVE, ROLLBACK to a savepoint).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "engine/engine.hpp"
#include "tds/rpc_decoder.hpp"
#include "tds/token_writer.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace milink::emulator::tds {

class RequestHandler {
public:
  RequestHandler(Engine& engine, Session& session, const ServerIdentity& identity, std::uint32_t tds_version,
                 std::atomic<std::uint64_t>& next_transaction);

  /// Each writes the complete reply into \p tw and returns whether the final
  /// DONE must carry DONE_ERROR.
  bool sql_batch(const SqlBatch& batch, TokenWriter& tw);
  bool rpc(const RpcRequest& request, TokenWriter& tw);
  bool transaction_manager(const TransactionManagerRequest& request, TokenWriter& tw);

  std::size_t prepared_count() const noexcept { return prepared_.size(); }

private:
  struct Prepared {
    std::string sql;
    std::vector<DeclaredParam> declaration;
  };

  void call(const RpcCall& c, TokenWriter& tw);
  void execute_sql(const RpcCall& c, TokenWriter& tw);
  void prepare(const RpcCall& c, TokenWriter& tw);
  void execute_prepared(const RpcCall& c, TokenWriter& tw);
  void prepexec(const RpcCall& c, TokenWriter& tw);
  void unprepare(const RpcCall& c, TokenWriter& tw);
  void procedure(const RpcCall& c, TokenWriter& tw);

  /// Results of \p response inside a procedure, then RETURNSTATUS, the
  /// handle (when given) and output parameters as RETURNVALUE, then DONEPROC.
  void finish_proc(const RpcCall& c, const Response& response, TokenWriter& tw, const std::int32_t* handle);
  /// ENVCHANGE 8/9/10 when the engine moved session.transaction.
  void transaction_changes(std::uint64_t before, bool failed, TokenWriter& tw);
  Response guarded(const std::function<Response()>& f);
  std::vector<Param> bind(const std::vector<DeclaredParam>& declaration, const std::vector<RpcParam>& values,
                          std::size_t first) const;
  std::int32_t store(std::string sql, std::vector<DeclaredParam> declaration);

  Engine& engine_;
  Session& session_;
  ServerIdentity identity_;
  std::uint32_t tds_version_;
  std::atomic<std::uint64_t>& next_transaction_;
  std::map<std::int32_t, Prepared> prepared_;
  /// TRANSACTION_MANAGER names: the outermost transaction's name and its
  /// savepoints (oldest first), for the transaction \c named_transaction_.
  std::string transaction_name_;
  std::vector<std::string> savepoints_;
  std::uint64_t named_transaction_ = 0;
  std::int32_t next_handle_ = 1;
};

/// Error 4002, what a client gets for a malformed request.
Message malformed_stream_message();

}  // namespace milink::emulator::tds
