//===- emulator/sql/executor.hpp - Runs parsed T-SQL over a server -*- C++ -*-===//
///
/// \file
/// Executes batches for one session against one ServerState (the caller
/// holds the world mutex). Semantics kept close to SQL Server's:
///  * a batch is parsed and compiled first: syntax errors (102, 156, 343,
///    ...), undeclared variables (137), duplicate declarations (134) and
///    unknown columns of existing catalog views (207, 209, 4104) fail the
///    whole batch before anything runs;
///  * at run time most errors end only the statement (DDL errors such as
///    15578, 15151, 7862, 35221, ...) and the batch goes on; conversion
///    errors, missing objects (208), USE of a missing database (911) and
///    nesting overflow end the batch;
///  * variables live for one batch; sp_executesql runs its statement as a
///    nested batch with its parameters as variables, and a USE inside it
///    lasts until it returns;
///  * every executed statement goes to the server's statement log (secrets
///    masked), once, with its outcome.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "engine/engine.hpp"
#include "sql/ast.hpp"
#include "sql/catalog.hpp"
#include "sql/errors.hpp"
#include "sql/view_cache.hpp"
#include "state/world.hpp"

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace milink::emulator::sql {

/// Per-connection settings that outlive a batch (SET options, transaction count).
struct SessionData {
  bool nocount = false;
  bool xact_abort = false;
  int trancount = 0;
  std::set<int> trace_flags;  ///< session trace flags (DBCC TRACEON without -1)
};

struct Variable {
  std::string name;
  TypeSpec type;
  Datum value;
};

/// One batch scope: the top-level batch, or the statement of an sp_executesql.
struct Frame {
  std::string_view source;
  std::vector<Variable> variables;
  int depth = 0;
  std::string database;
  int last_error = 0;
  std::int64_t last_rowcount = 0;
  int return_status = 0;
  bool had_error = false;
};

enum class Flow { Next, StopBatch, Return };

/// A table source bound for one SELECT.
struct BoundSource {
  std::string alias;                    ///< empty when none
  std::vector<std::string> name_parts;  ///< as written
  const CatalogView* view = nullptr;
  CatalogRows table;                    ///< every row of the view (shared with the cache)
  std::vector<const CatalogRow*> rows;  ///< those of table the query still considers
};

/// Where a column reference of one SELECT was bound: \c hops outer links up
/// from the row it is read in, then source and column. The binding depends
/// only on the query's sources, never on the row, so it is computed once per
/// execution of the SELECT instead of once per row (names are compared with
/// the collation, which dominated joins over large views).
struct BoundColumn {
  int hops = 0;
  int source = -1;
  int column = -1;
};
using ColumnBindings = std::unordered_map<const Expr*, BoundColumn>;

struct RowContext {
  const std::vector<BoundSource>* sources = nullptr;
  /// This SELECT execution's column bindings, shared by all its rows (owned
  /// by run_select; null outside a SELECT: references are resolved each time).
  ColumnBindings* bindings = nullptr;
  std::vector<const CatalogRow*> current;  ///< per source; nullptr: NULL-extended (LEFT JOIN)
  const RowContext* outer = nullptr;
  /// Aggregate queries: every row tuple of the group.
  const std::vector<std::vector<const CatalogRow*>>* group = nullptr;
  bool in_aggregate = false;
  /// Values of the select list (ORDER BY may name its aliases).
  const std::vector<std::pair<std::string, Datum>>* select_values = nullptr;
};

struct SelectResult {
  std::vector<std::string> names;
  std::vector<TypeSpec> types;
  /// Per column: its expression is sql_variant. \c types holds the values'
  /// common base type (what comparisons and assignments inside the server
  /// use); the client gets a sql_variant column.
  std::vector<bool> variant;
  std::vector<std::vector<Datum>> rows;
};

/// Arguments of a procedure call, evaluated.
struct CallArg {
  std::string name;  ///< "@p" or empty
  Datum value;
  bool is_default = false;
  bool output = false;
  std::string output_variable;  ///< the caller's variable for OUTPUT
  int line = 1;
};

/// One parameter of a system procedure the emulator provides.
struct ProcParam {
  const char* name;  ///< "@job_name"
  TypeSpec type;
  bool required;     ///< no default: 201 when not supplied
};

/// Binds positional and named arguments to \p defs (errors 119, 201, 8144,
/// 8145, 8114); a parameter not supplied (or DEFAULT) is NULL of its type.
/// \p outputs, when given, receives per parameter the caller's variable
/// passed with OUTPUT ("" when none).
std::vector<Datum> bind_procedure_arguments(const std::string& proc, const std::vector<ProcParam>& defs,
                                            const std::vector<CallArg>& args, bool ci,
                                            std::vector<std::string>* outputs = nullptr);

/// Whether EXEC of the procedure \p name (its last name part) may change the
/// world: false only for the system procedures that read (sp_executesql,
/// whose statements count on their own, sp_datatype_info[_100],
/// sp_get_endpoint_certificate).
bool procedure_may_write(std::string_view name);

/// Starts a new world generation when it goes out of scope (also by an
/// exception), when \p active: rows cached while a statement ran are not
/// read after it (sql/view_cache.hpp).
class GenerationAfter {
public:
  GenerationAfter(EmulatorWorld& world, bool active) : world_(world), active_(active) {}
  ~GenerationAfter() {
    if (active_) world_.bump_generation();
  }
  GenerationAfter(const GenerationAfter&) = delete;
  GenerationAfter& operator=(const GenerationAfter&) = delete;

private:
  EmulatorWorld& world_;
  bool active_;
};

class Executor {
public:
  Executor(EmulatorWorld& world, ServerState& server, Session& session, SessionData& data, Response& response);

  /// The world lock the caller holds for the batch: WAITFOR DELAY releases
  /// it while it waits, so other sessions and the link simulation go on.
  void set_world_lock(std::unique_lock<std::mutex>* lock) { world_lock_ = lock; }
  /// Where catalog rows are kept between statements (the engine's; owned by
  /// the caller, outliving the executor). Without one, every query computes
  /// the views it reads.
  void set_view_cache(ViewCache* cache) { view_cache_ = cache; }

  void run_batch(std::string_view sql, const std::vector<Param>& params);
  void run_procedure(const std::string& name, const std::vector<Param>& params);
  std::optional<std::vector<Column>> describe(std::string_view sql, const std::vector<Param>& params);

  // --- used by the statement implementations -----------------------------------
  ServerState& server() { return server_; }
  EmulatorWorld& world() { return world_; }
  Session& session() { return session_; }
  SessionData& data() { return data_; }
  bool ci() const { return server_.case_insensitive(); }

  void emit_error(ErrorMessage m, int line);
  void emit_info(const ErrorMessage& m);
  void emit_result(const SelectResult& r);
  void emit_done(std::uint16_t command = 0);

  Database& current_database(Frame& f);
  Datum eval(Frame& f, const Expr& e, const RowContext* row);
  bool truth(Frame& f, const Expr& e, const RowContext* row);
  SelectResult run_select(Frame& f, const Select& s, const RowContext* outer, bool exists_only = false);
  Variable* find_variable(Frame& f, std::string_view name);
  void assign(Frame& f, const std::string& name, const Datum& value, const std::string& op = "=");

private:
  // batches and statements (executor.cpp)
  Flow run_text(Frame& f, std::string_view sql, bool top_level);
  Flow exec_list(Frame& f, const std::vector<StmtPtr>& stmts);
  Flow exec(Frame& f, const Stmt& s);
  Flow dispatch(Frame& f, const Stmt& s);
  std::uint64_t log_start(Frame& f, const Stmt& s);
  void log_whole(Frame& f, std::string_view text, int error);
  void bind_batch(Frame& f, const std::vector<StmtPtr>& stmts);
  void set_database(Frame& f, const std::string& db);
  void declare_params(Frame& f, const std::vector<Param>& params);

  void do_use(Frame& f, const UseStmt& s);
  void do_declare(Frame& f, const DeclareStmt& s);
  void do_set_option(Frame& f, const SetOptionStmt& s);
  void do_select(Frame& f, const SelectStmt& s);
  void do_print(Frame& f, const PrintStmt& s);
  void do_dbcc(Frame& f, const DbccStmt& s);
  void do_transaction(Frame& f, const TransactionStmt& s);

  // RAISERROR, THROW, WAITFOR DELAY (exec_messages.cpp)
  void do_raiserror(Frame& f, const RaiseErrorStmt& s);
  void do_throw(Frame& f, const ThrowStmt& s);
  void do_waitfor(Frame& f, const WaitForStmt& s);

  // procedures (exec_procs.cpp)
  void do_exec(Frame& f, const ExecStmt& s);
  void do_exec_string(Frame& f, const ExecStringStmt& s);
  void call_procedure(Frame& f, const std::vector<std::string>& parts, std::vector<CallArg> args,
                      const std::string& return_variable, int line);
  void proc_executesql(Frame& f, std::vector<CallArg>& args);
  void proc_datatype_info(Frame& f, std::vector<CallArg>& args, const std::string& name);
  void proc_get_endpoint_certificate(Frame& f, std::vector<CallArg>& args);
  void proc_certificate_add_issuer(Frame& f, std::vector<CallArg>& args);
  void proc_multidb_milink(Frame& f, std::vector<CallArg>& args);

  // msdb's SQL Server Agent procedures (exec_agent.cpp). Each raises its
  // errors as msdb's own procedure does (RAISERROR, then RETURN(1)): the
  // messages are sent, the batch goes on, the return status is 1.
  static bool is_agent_procedure(const std::string& lower_name);
  /// Runs one; returns its return status (0 success, 1 failure).
  int run_agent_procedure(Frame& f, const std::string& lower_name, std::vector<CallArg>& args);
  void agent_add_job(Frame& f, std::vector<CallArg>& args);
  void agent_update_job(Frame& f, std::vector<CallArg>& args);
  void agent_add_jobstep(Frame& f, std::vector<CallArg>& args);
  void agent_add_schedule(Frame& f, std::vector<CallArg>& args);
  void agent_attach_schedule(Frame& f, std::vector<CallArg>& args);
  void agent_add_jobserver(Frame& f, std::vector<CallArg>& args);
  // sp_start_job (runs the job at once) and sp_delete_job (exec_agent_jobs.cpp).
  void agent_start_job(Frame& f, std::vector<CallArg>& args);
  void agent_delete_job(Frame& f, std::vector<CallArg>& args);

  // security (exec_security.cpp)
  void do_create_master_key(Frame& f, const CreateMasterKeyStmt& s);
  void do_drop_master_key(Frame& f, const DropMasterKeyStmt& s);
  void do_create_certificate(Frame& f, const CreateCertificateStmt& s);
  void do_drop_certificate(Frame& f, const DropCertificateStmt& s);
  void check_password_policy(const std::string& password);

  // endpoints (exec_endpoint.cpp)
  void do_create_endpoint(Frame& f, const CreateEndpointStmt& s);
  void do_alter_endpoint(Frame& f, const AlterEndpointStmt& s);
  void do_drop_endpoint(Frame& f, const DropEndpointStmt& s);

  // availability groups (exec_ag.cpp)
  void do_create_availability_group(Frame& f, const CreateAvailabilityGroupStmt& s);
  void create_distributed_availability_group(Frame& f, const CreateAvailabilityGroupStmt& s);
  void do_alter_availability_group(Frame& f, const AlterAvailabilityGroupStmt& s);
  void do_drop_availability_group(Frame& f, const DropAvailabilityGroupStmt& s);
  void check_database_for_ag(const std::string& db, const std::string& ag);

  // databases (exec_database.cpp)
  void do_backup(Frame& f, const BackupStmt& s);
  void do_alter_database(Frame& f, const AlterDatabaseStmt& s);
  void do_create_database(Frame& f, const CreateDatabaseStmt& s);
  void do_drop_database(Frame& f, const DropDatabaseStmt& s);

  // expressions (eval.cpp)
  Datum eval_function(Frame& f, const Expr& e, const RowContext* row);
  Datum eval_global(Frame& f, const Expr& e);
  Datum eval_column(const Expr& e, const RowContext* row);

  EmulatorWorld& world_;
  ServerState& server_;
  Session& session_;
  SessionData& data_;
  Response& response_;
  bool describe_mode_ = false;
  ViewCache* view_cache_ = nullptr;
  std::unique_lock<std::mutex>* world_lock_ = nullptr;
  int statement_errors_ = 0;  ///< errors emitted by the current statement
  int first_statement_error_ = 0;
  int current_line_ = 1;  ///< line of the statement running
};

/// Column resolution shared by the compiler and the evaluator.
struct ColumnRef {
  const RowContext* context = nullptr;
  int source = -1;
  int column = -1;
};
/// Throws SqlError 207/209/4104 when \p parts cannot be bound.
ColumnRef resolve_column(const std::vector<std::string>& parts, const RowContext* row, bool ci);

/// The view a FROM names, in database \p current (msdb tables only in msdb):
/// nullptr and \p db untouched when there is none.
const CatalogView* resolve_table(const ServerState& s, const TableRef& t, const std::string& current, const Database*& db);

/// Known built-in functions: nullopt for an unknown one, else {min, max} arguments.
std::optional<std::pair<int, int>> builtin_function_arity(const std::string& upper_name);
/// @@ variables the engine knows.
bool known_global(const std::string& upper_name);

}  // namespace milink::emulator::sql
