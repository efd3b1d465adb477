#include "scripted_engine.hpp"

#include <chrono>
#include <thread>

namespace sqltest {

using namespace milink::emulator;
using milink::sdk::SqlDateTime;
using milink::sdk::SqlType;
using milink::sdk::SqlValue;

namespace {

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r\n;");
  std::size_t e = s.find_last_not_of(" \t\r\n;");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

Column col(std::string name, SqlType type, int size = 256) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  c.size = size;
  return c;
}

ResultSet typed_values() {
  ResultSet rs;
  rs.columns = {col("i", SqlType::Int),        col("b", SqlType::BigInt),    col("s", SqlType::NVarChar, 50),
                col("v", SqlType::VarBinary, -1), col("d", SqlType::DateTime2), col("f", SqlType::Bit),
                col("x", SqlType::Float)};
  SqlDateTime d{2024, 2, 29, 13, 45, 30, 123456700};
  rs.rows.push_back({SqlValue::integer(-7), SqlValue::bigint(9007199254740993LL), SqlValue::nvarchar("alpha"),
                     SqlValue::varbinary({0x00, 0x01, 0x02, 0xFF}), SqlValue::datetime2(d), SqlValue::bit(true),
                     SqlValue::floating(2.5)});
  rs.rows.push_back({SqlValue::null(SqlType::Int), SqlValue::null(SqlType::BigInt), SqlValue::null(SqlType::NVarChar),
                     SqlValue::null(SqlType::VarBinary), SqlValue::null(SqlType::DateTime2),
                     SqlValue::null(SqlType::Bit), SqlValue::null(SqlType::Float)});
  return rs;
}

}  // namespace

ServerIdentity ScriptedEngine::identity() const {
  ServerIdentity id;
  id.name = kServerName;
  return id;
}

LoginResult ScriptedEngine::login(const LoginRequest& request) {
  ++logins_;
  LoginResult r;
  if (request.user == kUser && request.password == kPassword) {
    r.ok = true;
    r.database = "master";
    return r;
  }
  r.error.number = 18456;
  r.error.severity = 14;
  r.error.state = 1;
  r.error.text = "Login failed for user '" + request.user + "'.";
  return r;
}

Response ScriptedEngine::execute(Session& session, const std::string& sql, const std::vector<Param>& params) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    batches_.push_back(sql);
  }
  const std::string q = trim(sql);
  Response r;
  if (q == trim(kScriptTyped)) {
    r.items.emplace_back(typed_values());
  } else if (q == trim(kScriptBlob)) {
    ResultSet rs;
    rs.columns = {col("blob", SqlType::VarBinary, -1)};
    std::vector<std::uint8_t> bytes(kBlobSize);
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = blob_byte(i);
    rs.rows.push_back({SqlValue::varbinary(std::move(bytes))});
    r.items.emplace_back(std::move(rs));
  } else if (q == trim(kScriptTwoSets)) {
    ResultSet a;
    a.columns = {col("one", SqlType::Int)};
    a.rows.push_back({SqlValue::integer(1)});
    r.items.emplace_back(std::move(a));
    ResultSet b;
    b.columns = {col("word", SqlType::NVarChar, 10), col("two", SqlType::Int)};
    b.rows.push_back({SqlValue::nvarchar("two"), SqlValue::integer(2)});
    r.items.emplace_back(std::move(b));
  } else if (q == trim(kScriptError)) {
    r.add_error(15151, 16, 1,
                "Cannot drop the login 'nobody', because it does not exist or you do not have permission.");
  } else if (q == trim(kScriptSetThenError)) {
    ResultSet a;
    a.columns = {col("ok", SqlType::Int)};
    a.rows.push_back({SqlValue::integer(1)});
    r.items.emplace_back(std::move(a));
    r.add_error(15151, 16, 1,
                "Cannot drop the login 'nobody', because it does not exist or you do not have permission.");
  } else if (q.rfind(kScriptEchoTag, 0) == 0) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      echo_params_ = params;
    }
    // Set 1: the values as received, one column per parameter, typed as received.
    ResultSet values;
    std::vector<SqlValue> row;
    for (std::size_t i = 0; i < params.size(); ++i) {
      SqlType t = params[i].value.type();
      values.columns.push_back(col("p" + std::to_string(i + 1), t == SqlType::Null ? SqlType::NVarChar : t,
                                   t == SqlType::NVarChar ? -1 : t == SqlType::VarBinary ? -1 : 256));
      row.push_back(params[i].value);
    }
    values.rows.push_back(std::move(row));
    // Set 2: name and type name of each parameter.
    ResultSet types;
    types.columns = {col("name", SqlType::NVarChar, 128), col("type", SqlType::NVarChar, 32)};
    for (const auto& p : params)
      types.rows.push_back({SqlValue::nvarchar(p.name),
                            SqlValue::nvarchar(p.value.is_null() && p.value.type() == SqlType::Null
                                                   ? "null"
                                                   : milink::sdk::sql_type_name(p.value.type()))});
    if (!params.empty()) {
      r.items.emplace_back(std::move(values));
    }
    r.items.emplace_back(std::move(types));
  } else if (q == trim(kScriptMixed)) {
    ResultSet a;
    a.columns = {col("a", SqlType::Int)};
    a.rows.push_back({SqlValue::integer(1)});
    r.items.emplace_back(std::move(a));
    r.items.emplace_back(RowCount{5, 0xC5});
    ResultSet b;
    b.columns = {col("b", SqlType::Int)};
    b.rows.push_back({SqlValue::integer(2)});
    b.rows.push_back({SqlValue::integer(3)});
    r.items.emplace_back(std::move(b));
  } else if (q == trim(kScriptUpdate)) {
    r.items.emplace_back(RowCount{3, 0xC5});
  } else if (q == trim(kScriptPrint)) {
    r.add_info(0, "hello");
    ResultSet rs;
    rs.columns = {col("seven", SqlType::Int)};
    rs.rows.push_back({SqlValue::integer(7)});
    r.items.emplace_back(std::move(rs));
  } else if (q == trim(kScriptSlow)) {
    std::this_thread::sleep_for(std::chrono::seconds(4));
    ResultSet rs;
    rs.columns = {col("late", SqlType::Int)};
    rs.rows.push_back({SqlValue::integer(1)});
    r.items.emplace_back(std::move(rs));
  } else if (q == trim(kScriptKill)) {
    if (!killed_.exchange(true) && kill_) {
      kill_();
      // Give the relay time to drop the connection before the reply.
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ResultSet rs;
    rs.columns = {col("answer", SqlType::Int)};
    rs.rows.push_back({SqlValue::integer(42)});
    r.items.emplace_back(std::move(rs));
  } else if (q == trim(kScriptUtf8)) {
    ResultSet rs;
    rs.columns = {col("t", SqlType::NVarChar, 50)};
    rs.rows.push_back({SqlValue::nvarchar(kUtf8Text)});
    r.items.emplace_back(std::move(rs));
  } else {
    std::string near = q.substr(0, q.find(' '));
    r.add_error(102, 15, 1, "Incorrect syntax near '" + near + "'.");
  }
  (void)session;
  return r;
}

Response ScriptedEngine::execute_procedure(Session& session, const std::string& name,
                                           const std::vector<Param>& params) {
  Response r;
  r.add_error(2812, 16, 62, "Could not find stored procedure '" + name + "'.");
  return r;
}

std::optional<std::vector<Column>> ScriptedEngine::describe(Session& session, const std::string& sql,
                                                            const std::vector<Param>& params) {
  return std::nullopt;
}

Response ScriptedEngine::transaction(Session& session, TransactionRequest request) { return Response{}; }

std::vector<std::string> ScriptedEngine::batches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return batches_;
}

int ScriptedEngine::count(const std::string& sql) const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const auto& b : batches_) n += trim(b) == trim(sql);
  return n;
}

std::vector<Param> ScriptedEngine::last_echo_params() const {
  std::lock_guard<std::mutex> lock(mu_);
  return echo_params_;
}

}  // namespace sqltest
