//===- emulator/sql/ast.hpp - T-SQL syntax tree ------------------*- C++ -*-===//
///
/// \file
/// The parsed form of the T-SQL subset the emulator runs. Every statement
/// remembers its first line and its byte range in the batch (for error
/// line numbers and the statement log). DDL option values are literal
/// tokens, as in T-SQL (CREATE MASTER KEY ... PASSWORD = @p is a syntax error).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/types.hpp"
#include "state/server_state.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace milink::emulator::sql {

struct Select;

// --- expressions ---------------------------------------------------------------

enum class ExprKind {
  Literal,    ///< literal
  Variable,   ///< name = "@x"
  Global,     ///< name = "@@SERVERNAME" (upper case)
  Column,     ///< parts = [qualifier..., column]
  Unary,      ///< op "-", "+", "~", "NOT"; args[0]
  Binary,     ///< op "+", "-", "*", "/", "%", "=", "<>", "<", ">", "<=", ">=", "AND", "OR"; args[0], args[1]
  Function,   ///< name (upper case); args; star for COUNT(*)
  Cast,       ///< CAST(args[0] AS type) / CONVERT(type, args[0][, style])
  IsNull,     ///< args[0] IS [NOT] NULL
  Like,       ///< args[0] [NOT] LIKE args[1]
  In,         ///< args[0] [NOT] IN (args[1..]) or (select)
  Between,    ///< args[0] [NOT] BETWEEN args[1] AND args[2]
  Exists,     ///< [NOT] EXISTS (select)
  Subquery,   ///< (select) as a scalar
  Case,       ///< CASE [operand] WHEN .. THEN .. [ELSE ..] END: args = [operand?], whens, thens, else
};

struct Expr {
  ExprKind kind = ExprKind::Literal;
  int line = 1;
  std::size_t begin = 0, end = 0;
  std::string op;
  std::string name;
  std::vector<std::string> parts;
  Datum literal;
  TypeSpec type;
  std::optional<int> style;
  bool negated = false;
  bool star = false;           ///< COUNT(*)
  bool case_has_operand = false;
  bool case_has_else = false;
  std::vector<std::unique_ptr<Expr>> args;
  std::unique_ptr<Select> select;
  /// Levels of this sub-tree, subqueries included; the parser bounds it so
  /// that evaluating or destroying the tree cannot exhaust the stack.
  int height = 0;

  Expr();
  ~Expr();
  Expr(Expr&&) noexcept;
  Expr& operator=(Expr&&) noexcept;
};
using ExprPtr = std::unique_ptr<Expr>;

// --- SELECT ------------------------------------------------------------------------

struct TableRef {
  std::vector<std::string> parts;  ///< [database, schema, object] as written (empty parts for "msdb..backupset")
  std::string alias;
  int line = 1;
  /// The name as SQL Server quotes it in 208: the parts joined with '.'.
  std::string display() const;
};

struct JoinClause {
  enum class Type { Inner, Left, Cross } type = Type::Inner;
  TableRef table;
  ExprPtr on;
};

struct SelectItem {
  enum class Kind { Expression, Star, QualifiedStar, Assignment } kind = Kind::Expression;
  ExprPtr expr;
  std::string alias;
  bool has_alias = false;
  std::vector<std::string> qualifier;  ///< QualifiedStar: "r" in r.*
  std::string variable;                ///< Assignment: "@v"
  std::string assign_op = "=";
};

struct OrderItem {
  ExprPtr expr;
  bool descending = false;
};

struct Select {
  int line = 1;
  bool distinct = false;
  ExprPtr top;
  std::vector<SelectItem> items;
  bool has_from = false;
  TableRef from;
  std::vector<JoinClause> joins;
  ExprPtr where;
  std::vector<OrderItem> order_by;
  bool is_assignment() const;
};

// --- statements --------------------------------------------------------------------

enum class StmtKind {
  Empty,
  Use,
  Declare,
  SetVariable,
  SetOption,
  Select,
  If,
  Block,
  Print,
  Exec,
  ExecString,
  Dbcc,
  Transaction,
  Return,
  CreateMasterKey,
  DropMasterKey,
  CreateCertificate,
  DropCertificate,
  CreateEndpoint,
  AlterEndpoint,
  DropEndpoint,
  CreateAvailabilityGroup,
  AlterAvailabilityGroup,
  DropAvailabilityGroup,
  Backup,
  AlterDatabase,
  CreateDatabase,
  DropDatabase,
  RaiseError,
  Throw,
  WaitFor,
};

struct Stmt {
  explicit Stmt(StmtKind k) : kind(k) {}
  virtual ~Stmt() = default;
  StmtKind kind;
  int line = 1;
  std::size_t begin = 0, end = 0;  ///< byte range in the batch
};
using StmtPtr = std::unique_ptr<Stmt>;

/// A literal DDL option value.
struct OptionValue {
  enum class Kind { Word, String, Number, Binary } kind = Kind::Word;
  std::string text;  ///< word (as written), string (unescaped), number text
  std::vector<std::uint8_t> bytes;
  std::int64_t number = 0;
  int line = 1;
};

struct EmptyStmt : Stmt {
  EmptyStmt() : Stmt(StmtKind::Empty) {}
};

struct UseStmt : Stmt {
  UseStmt() : Stmt(StmtKind::Use) {}
  std::string database;
};

struct DeclareStmt : Stmt {
  DeclareStmt() : Stmt(StmtKind::Declare) {}
  struct Variable {
    std::string name;
    TypeSpec type;
    ExprPtr init;
    int line = 1;
  };
  std::vector<Variable> variables;
};

struct SetVariableStmt : Stmt {
  SetVariableStmt() : Stmt(StmtKind::SetVariable) {}
  std::string name;
  std::string op = "=";  ///< "=", "+=", "-=", ...
  ExprPtr value;
};

struct SetOptionStmt : Stmt {
  SetOptionStmt() : Stmt(StmtKind::SetOption) {}
  std::vector<std::string> options;  ///< upper case
  bool on = true;
  std::string value;  ///< for value options (TEXTSIZE 2147483647, ISOLATION LEVEL ...)
};

struct SelectStmt : Stmt {
  SelectStmt() : Stmt(StmtKind::Select) {}
  std::unique_ptr<Select> select;
};

struct IfStmt : Stmt {
  IfStmt() : Stmt(StmtKind::If) {}
  ExprPtr condition;
  StmtPtr then_branch;
  StmtPtr else_branch;
};

struct BlockStmt : Stmt {
  BlockStmt() : Stmt(StmtKind::Block) {}
  std::vector<StmtPtr> body;
};

struct PrintStmt : Stmt {
  PrintStmt() : Stmt(StmtKind::Print) {}
  ExprPtr value;
};

struct ExecArg {
  std::string name;  ///< "@p", or empty for a positional argument
  ExprPtr value;     ///< a literal, a variable, or a bare word (as a string)
  bool output = false;
  bool is_default = false;
  int line = 1;
};

struct ExecStmt : Stmt {
  ExecStmt() : Stmt(StmtKind::Exec) {}
  std::string return_variable;  ///< EXEC @rc = proc
  std::vector<std::string> procedure;  ///< parts as written
  std::vector<ExecArg> args;
  bool implicit = false;  ///< the batch's first statement without EXEC
};

struct ExecStringStmt : Stmt {
  ExecStringStmt() : Stmt(StmtKind::ExecString) {}
  std::vector<ExprPtr> parts;  ///< EXEC (@a + N'...')
};

struct DbccStmt : Stmt {
  DbccStmt() : Stmt(StmtKind::Dbcc) {}
  std::string command;  ///< upper case
  std::vector<ExprPtr> args;
  std::vector<std::string> with_options;  ///< upper case
};

struct TransactionStmt : Stmt {
  TransactionStmt() : Stmt(StmtKind::Transaction) {}
  enum class Op { Begin, Commit, Rollback } op = Op::Begin;
};

struct ReturnStmt : Stmt {
  ReturnStmt() : Stmt(StmtKind::Return) {}
  ExprPtr value;
};

/// RAISERROR ( msg_id | msg_str | @var , severity , state [, argument ...] ) [WITH option, ...]
struct RaiseErrorStmt : Stmt {
  RaiseErrorStmt() : Stmt(StmtKind::RaiseError) {}
  ExprPtr message;  ///< a message text (printf-like) or a message number
  ExprPtr severity;
  ExprPtr state;
  std::vector<ExprPtr> args;         ///< substitution arguments (at most 20)
  std::vector<std::string> options;  ///< LOG, NOWAIT, SETERROR (upper case)
};

/// THROW number, message, state (the bare form is only valid in a CATCH
/// block, which the emulator does not have).
struct ThrowStmt : Stmt {
  ThrowStmt() : Stmt(StmtKind::Throw) {}
  ExprPtr number;
  ExprPtr message;
  ExprPtr state;
};

/// WAITFOR DELAY 'hh:mm[:ss[.mmm]]' (or a variable).
struct WaitForStmt : Stmt {
  WaitForStmt() : Stmt(StmtKind::WaitFor) {}
  ExprPtr delay;
};

struct CreateMasterKeyStmt : Stmt {
  CreateMasterKeyStmt() : Stmt(StmtKind::CreateMasterKey) {}
  std::string password;
};

struct DropMasterKeyStmt : Stmt {
  DropMasterKeyStmt() : Stmt(StmtKind::DropMasterKey) {}
};

struct CreateCertificateStmt : Stmt {
  CreateCertificateStmt() : Stmt(StmtKind::CreateCertificate) {}
  std::string name;
  enum class Source { Generate, Binary, File } source = Source::Generate;
  std::vector<std::uint8_t> binary;
  std::string file;
  std::optional<std::string> encryption_password;  ///< ENCRYPTION BY PASSWORD = '...'
  std::optional<std::string> subject;
  /// START_DATE / EXPIRY_DATE in the order written (the order matters on
  /// real servers before 2012, see the certificate executor).
  std::optional<std::string> start_date;
  std::optional<std::string> expiry_date;
  bool active_for_begin_dialog = true;
};

struct DropCertificateStmt : Stmt {
  DropCertificateStmt() : Stmt(StmtKind::DropCertificate) {}
  std::string name;
};

/// CREATE/ALTER ENDPOINT options (every part optional for ALTER).
struct EndpointSpec {
  std::optional<EndpointState> state;
  bool has_tcp = false;
  std::optional<int> port;
  std::optional<std::string> listener_ip;
  bool has_payload = false;
  std::string payload;  ///< DATABASE_MIRRORING (others are rejected by the parser)
  std::optional<MirroringRole> role;
  bool has_authentication = false;
  WindowsAuth windows = WindowsAuth::None;
  std::string certificate;
  bool certificate_first = false;
  std::optional<EndpointEncryption> encryption;
  std::vector<std::string> algorithms;
  int line = 1;
};

struct CreateEndpointStmt : Stmt {
  CreateEndpointStmt() : Stmt(StmtKind::CreateEndpoint) {}
  std::string name;
  EndpointSpec spec;
};

struct AlterEndpointStmt : Stmt {
  AlterEndpointStmt() : Stmt(StmtKind::AlterEndpoint) {}
  std::string name;
  EndpointSpec spec;
};

struct DropEndpointStmt : Stmt {
  DropEndpointStmt() : Stmt(StmtKind::DropEndpoint) {}
  std::string name;
};

/// 'server' WITH (OPTION = value, ...): a replica (REPLICA ON) or a member
/// availability group (AVAILABILITY GROUP ON) of a distributed AG.
struct ReplicaSpec {
  std::string server;
  int line = 1;
  std::vector<std::pair<std::string, OptionValue>> options;  ///< upper-case option names
  const OptionValue* find(const std::string& option) const;
};

struct CreateAvailabilityGroupStmt : Stmt {
  CreateAvailabilityGroupStmt() : Stmt(StmtKind::CreateAvailabilityGroup) {}
  std::string name;
  std::vector<std::pair<std::string, OptionValue>> with_options;  ///< CLUSTER_TYPE, DB_FAILOVER, ... (upper case)
  bool distributed = false;
  bool basic = false;
  bool has_for = false;
  std::vector<std::string> databases;
  std::vector<ReplicaSpec> replicas;    ///< REPLICA ON
  std::vector<ReplicaSpec> ag_members;  ///< AVAILABILITY GROUP ON (distributed)
};

struct AlterAvailabilityGroupStmt : Stmt {
  AlterAvailabilityGroupStmt() : Stmt(StmtKind::AlterAvailabilityGroup) {}
  std::string name;
  enum class Action {
    GrantCreateAnyDatabase,
    DenyCreateAnyDatabase,
    AddDatabase,
    RemoveDatabase,
    ModifyReplica,
    ModifyAvailabilityGroup,
    SetOptions,
    Failover,
    ForceFailover,
  } action = Action::GrantCreateAnyDatabase;
  std::vector<std::string> databases;
  std::vector<ReplicaSpec> specs;
  std::vector<std::pair<std::string, OptionValue>> options;
};

struct DropAvailabilityGroupStmt : Stmt {
  DropAvailabilityGroupStmt() : Stmt(StmtKind::DropAvailabilityGroup) {}
  std::string name;
};

struct BackupStmt : Stmt {
  BackupStmt() : Stmt(StmtKind::Backup) {}
  bool log = false;
  std::string database;
  bool database_is_variable = false;
  std::vector<std::string> disks;
  bool to_url = false;
  bool to_nul = false;
  std::vector<std::pair<std::string, OptionValue>> options;  ///< upper case names: COPY_ONLY, COMPRESSION, ...
  bool has_option(const std::string& upper) const;
};

struct AlterDatabaseStmt : Stmt {
  AlterDatabaseStmt() : Stmt(StmtKind::AlterDatabase) {}
  std::string database;
  bool current = false;
  std::string option;  ///< RECOVERY, READ_ONLY, READ_WRITE, ...
  std::string value;   ///< FULL, SIMPLE, BULK_LOGGED
  int option_line = 1;
};

struct CreateDatabaseStmt : Stmt {
  CreateDatabaseStmt() : Stmt(StmtKind::CreateDatabase) {}
  std::string name;
};

struct DropDatabaseStmt : Stmt {
  DropDatabaseStmt() : Stmt(StmtKind::DropDatabase) {}
  std::vector<std::string> names;
  bool if_exists = false;
};

}  // namespace milink::emulator::sql
