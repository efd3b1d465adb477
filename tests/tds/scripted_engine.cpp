#include "scripted_engine.hpp"

#include "engine/type_info.hpp"

#include <cctype>
#include <stdexcept>

namespace tdstest {

namespace {

std::string trim(const std::string& s) {
  std::size_t a = s.find_first_not_of(" \t\r\n;");
  if (a == std::string::npos) return {};
  std::size_t b = s.find_last_not_of(" \t\r\n;");
  return s.substr(a, b - a + 1);
}

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

Column col(const std::string& name, SqlType type, int size = 0) {
  Column c;
  c.name = name;
  c.type = type;
  c.size = size;
  return c;
}

ResultSet one_int(const std::string& name, std::int64_t v) {
  ResultSet rs;
  rs.columns = {col(name, SqlType::Int)};
  rs.rows = {{SqlValue::integer(static_cast<std::int32_t>(v))}};
  return rs;
}

}  // namespace

std::vector<std::uint8_t> big_blob() {
  std::vector<std::uint8_t> b(10240);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>((i * 7 + 3) % 251);
  return b;
}

ResultSet types_result() {
  ResultSet rs;
  rs.columns = {col("i", SqlType::Int),          col("b", SqlType::BigInt),    col("s", SqlType::NVarChar, 50),
                col("bin", SqlType::VarBinary, -1), col("dt", SqlType::DateTime2), col("flag", SqlType::Bit),
                col("fl", SqlType::Float),       col("n", SqlType::NVarChar, 20)};
  SqlDateTime dt1;
  dt1.year = 2024, dt1.month = 2, dt1.day = 29, dt1.hour = 13, dt1.minute = 45, dt1.second = 30;
  dt1.nanosecond = 123456700;
  SqlDateTime dt2;
  dt2.year = 1999, dt2.month = 12, dt2.day = 31, dt2.hour = 23, dt2.minute = 59, dt2.second = 59;
  rs.rows.push_back({SqlValue::integer(42), SqlValue::bigint(9007199254740993LL), SqlValue::nvarchar("béta ü €"),
                     SqlValue::varbinary(big_blob()), SqlValue::datetime2(dt1), SqlValue::bit(true),
                     SqlValue::floating(3.5), SqlValue::null(SqlType::NVarChar)});
  rs.rows.push_back({SqlValue::integer(-7), SqlValue::null(SqlType::BigInt), SqlValue::nvarchar("alpha"),
                     SqlValue::varbinary({0x00, 0x01, 0x02, 0xFF}), SqlValue::datetime2(dt2), SqlValue::bit(false),
                     SqlValue::null(SqlType::Float), SqlValue::nvarchar("x")});
  std::vector<SqlValue> nulls;
  for (const auto& c : rs.columns) nulls.push_back(SqlValue::null(c.type));
  rs.rows.push_back(nulls);
  return rs;
}

ServerIdentity ScriptedEngine::identity() const {
  ServerIdentity id;
  id.name = kServerName;
  id.major = 16;
  id.minor = 0;
  id.build = 4135;
  return id;
}

LoginResult ScriptedEngine::login(const LoginRequest& r) {
  {
    std::lock_guard<std::mutex> g(mu_);
    last_login_user = r.user;
    last_login_password = r.password;
    last_login_database = r.database;
    last_login_app = r.application;
  }
  LoginResult res;
  if (r.user == "sa" && r.password == kPassword) {
    ++logins;
    res.ok = true;
    res.database = r.database.empty() ? "master" : r.database;
    return res;
  }
  ++failed_logins;
  res.error.number = 18456;
  res.error.severity = 14;
  res.error.state = 1;
  res.error.text = "Login failed for user '" + r.user + "'.";
  return res;
}

void ScriptedEngine::record(RecordedCall c) {
  std::lock_guard<std::mutex> g(mu_);
  calls_.push_back(std::move(c));
}

std::vector<RecordedCall> ScriptedEngine::calls() const {
  std::lock_guard<std::mutex> g(mu_);
  return calls_;
}

RecordedCall ScriptedEngine::last_execute(const std::string& prefix) const {
  std::lock_guard<std::mutex> g(mu_);
  for (auto it = calls_.rbegin(); it != calls_.rend(); ++it)
    if (it->kind == "execute" && starts_with(trim(it->text), prefix)) return *it;
  return {};
}

Response ScriptedEngine::execute(Session& session, const std::string& sql, const std::vector<Param>& params) {
  ++executes;
  record({"execute", sql, params, session.spid});
  const std::string s = trim(sql);
  Response r;
  if (s == "SELECT types") {
    r.items.emplace_back(types_result());
  } else if (s == "SELECT 2 sets") {
    r.items.emplace_back(one_int("first", 1));
    ResultSet two;
    two.columns = {col("name", SqlType::NVarChar, 10), col("v", SqlType::BigInt)};
    two.rows = {{SqlValue::nvarchar("a"), SqlValue::bigint(10)}, {SqlValue::nvarchar("b"), SqlValue::bigint(20)}};
    r.items.emplace_back(two);
  } else if (s == "FAIL") {
    r.add_error(15151, 16, 1,
                "Cannot find the login 'ghost', because it does not exist or you do not have permission.");
  } else if (s == "sp_datatype_info_100 0,3" || s == "exec sp_datatype_info_100 0,3") {
    r.items.emplace_back(datatype_info_result());
  } else if (starts_with(s, "SELECT echo")) {
    ResultSet rs;
    std::vector<SqlValue> row;
    for (const auto& p : params) {
      SqlType t = p.value.type() == SqlType::Null ? SqlType::NVarChar : p.value.type();
      rs.columns.push_back(col(p.name.empty() ? "unnamed" : p.name.substr(1), t, -1));
      row.push_back(p.value);
    }
    if (rs.columns.empty()) {
      rs.columns.push_back(col("none", SqlType::Int));
      row.push_back(SqlValue::integer(0));
    }
    rs.rows.push_back(row);
    r.items.emplace_back(rs);
  } else if (s == "THROW") {
    throw std::runtime_error("scripted engine exploded");
  } else if (s == "SELECT spid") {
    r.items.emplace_back(one_int("spid", session.spid));
  } else if (s == "SELECT big") {
    ResultSet rs;
    rs.columns = {col("k", SqlType::Int), col("pad", SqlType::NVarChar, 100)};
    for (int i = 0; i < 2000; ++i)
      rs.rows.push_back({SqlValue::integer(i), SqlValue::nvarchar(std::string(60, static_cast<char>('a' + i % 26)))});
    r.items.emplace_back(rs);
  } else if (s == "INSERT rows") {
    r.items.emplace_back(RowCount{3, 0xC3});
  } else if (s == "PRINT hello") {
    r.add_info(0, "hello");
    r.items.emplace_back(StatementDone{});
  } else if (starts_with(s, "SELECT ") && s.size() > 7 &&
             s.find_first_not_of("0123456789", 7) == std::string::npos) {
    r.items.emplace_back(one_int("n", std::stoll(s.substr(7))));
  } else {
    r.add_error(102, 15, 1, "Incorrect syntax near '" + s.substr(0, 20) + "'.");
  }
  return r;
}

Response ScriptedEngine::execute_procedure(Session& session, const std::string& name, const std::vector<Param>& params) {
  ++procedures;
  record({"procedure", name, params, session.spid});
  Response r;
  if (name == "milink_double") {
    // @in INT, @out INT OUTPUT: sets @out = 2 * @in, returns 7.
    std::int64_t in = 0;
    std::string out_name = "@out";
    for (const auto& p : params) {
      if (!p.output && !p.value.is_null()) in = p.value.as_int64();
      if (p.output && !p.name.empty()) out_name = p.name;
    }
    r.items.emplace_back(ReturnStatus{7});
    r.items.emplace_back(ReturnValue{out_name, SqlValue::integer(static_cast<std::int32_t>(2 * in))});
    return r;
  }
  r.add_error(2812, 16, 62, "Could not find stored procedure '" + name + "'.");
  return r;
}

std::optional<std::vector<Column>> ScriptedEngine::describe(Session& session, const std::string& sql,
                                                            const std::vector<Param>& params) {
  ++describes;
  record({"describe", sql, params, session.spid});
  std::string s = trim(sql);
  if (s == "SELECT types") return types_result().columns;
  if (s == "SELECT 2 sets") return std::vector<Column>{col("first", SqlType::Int)};
  if (s == "SELECT spid") return std::vector<Column>{col("spid", SqlType::Int)};
  if (starts_with(s, "SELECT ") && s.size() > 7 && s.find_first_not_of("0123456789", 7) == std::string::npos)
    return std::vector<Column>{col("n", SqlType::Int)};
  return std::nullopt;
}

Response ScriptedEngine::transaction(Session& session, TransactionRequest request) {
  switch (request) {
    case TransactionRequest::Begin: ++begins; break;
    case TransactionRequest::Commit:
      ++commits;
      session.transaction = 0;  // no nesting here: every COMMIT ends the transaction
      break;
    case TransactionRequest::Rollback:
      ++rollbacks;
      session.transaction = 0;
      break;
  }
  return {};
}

void ScriptedEngine::disconnect(Session& session) { ++disconnects; }

}  // namespace tdstest
