#include <milink/sdk/sql.hpp>

#include <cctype>
#include <cstdio>
#include <stdexcept>
#include <tuple>

namespace milink::sdk {

const char* sql_type_name(SqlType t) noexcept {
  switch (t) {
    case SqlType::Null: return "null";
    case SqlType::Int: return "int";
    case SqlType::BigInt: return "bigint";
    case SqlType::Bit: return "bit";
    case SqlType::NVarChar: return "nvarchar";
    case SqlType::VarBinary: return "varbinary";
    case SqlType::DateTime2: return "datetime2";
    case SqlType::Float: return "float";
  }
  return "?";
}

std::string SqlDateTime::to_iso() const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%07d", year, month, day, hour, minute, second,
                static_cast<int>(nanosecond / 100));
  return buf;
}

std::optional<SqlDateTime> SqlDateTime::parse(const std::string& text) {
  SqlDateTime d;
  auto digits = [&](std::size_t pos, std::size_t n, int& out) {
    if (pos + n > text.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
      v = v * 10 + (text[i] - '0');
    }
    out = v;
    return true;
  };
  if (!digits(0, 4, d.year) || text.size() < 10 || text[4] != '-' || !digits(5, 2, d.month) || text[7] != '-' ||
      !digits(8, 2, d.day))
    return std::nullopt;
  std::size_t pos = 10;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') return std::nullopt;
    if (!digits(pos + 1, 2, d.hour) || text.size() < pos + 9 || text[pos + 3] != ':' ||
        !digits(pos + 4, 2, d.minute) || text[pos + 6] != ':' || !digits(pos + 7, 2, d.second))
      return std::nullopt;
    pos += 9;
    if (pos < text.size()) {
      if (text[pos] != '.') return std::nullopt;
      ++pos;
      std::int64_t frac = 0;
      int n = 0;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) && n < 9) {
        frac = frac * 10 + (text[pos] - '0');
        ++pos;
        ++n;
      }
      if (n == 0 || pos != text.size()) return std::nullopt;
      while (n < 9) {
        frac *= 10;
        ++n;
      }
      d.nanosecond = static_cast<std::int32_t>(frac);
    }
  }
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 || d.hour > 23 || d.minute > 59 || d.second > 59)
    return std::nullopt;
  return d;
}

bool SqlDateTime::operator==(const SqlDateTime& o) const {
  return std::tie(year, month, day, hour, minute, second, nanosecond) ==
         std::tie(o.year, o.month, o.day, o.hour, o.minute, o.second, o.nanosecond);
}

bool SqlDateTime::operator<(const SqlDateTime& o) const {
  return std::tie(year, month, day, hour, minute, second, nanosecond) <
         std::tie(o.year, o.month, o.day, o.hour, o.minute, o.second, o.nanosecond);
}

SqlValue SqlValue::null(SqlType type) {
  SqlValue v;
  v.type_ = type;
  return v;
}
SqlValue SqlValue::integer(std::int32_t x) {
  SqlValue v;
  v.type_ = SqlType::Int;
  v.null_ = false;
  v.i_ = x;
  return v;
}
SqlValue SqlValue::bigint(std::int64_t x) {
  SqlValue v;
  v.type_ = SqlType::BigInt;
  v.null_ = false;
  v.i_ = x;
  return v;
}
SqlValue SqlValue::bit(bool x) {
  SqlValue v;
  v.type_ = SqlType::Bit;
  v.null_ = false;
  v.i_ = x ? 1 : 0;
  return v;
}
SqlValue SqlValue::nvarchar(std::string s) {
  SqlValue v;
  v.type_ = SqlType::NVarChar;
  v.null_ = false;
  v.s_ = std::move(s);
  return v;
}
SqlValue SqlValue::varbinary(std::vector<std::uint8_t> b) {
  SqlValue v;
  v.type_ = SqlType::VarBinary;
  v.null_ = false;
  v.b_ = std::move(b);
  return v;
}
SqlValue SqlValue::datetime2(SqlDateTime d) {
  SqlValue v;
  v.type_ = SqlType::DateTime2;
  v.null_ = false;
  v.dt_ = d;
  return v;
}
SqlValue SqlValue::floating(double x) {
  SqlValue v;
  v.type_ = SqlType::Float;
  v.null_ = false;
  v.d_ = x;
  return v;
}

namespace {
[[noreturn]] void mismatch(const char* wanted, const SqlValue& v) {
  throw std::logic_error(std::string("SQL value is ") + (v.is_null() ? "NULL" : sql_type_name(v.type())) + ", not " +
                         wanted);
}
}  // namespace

std::int64_t SqlValue::as_int64() const {
  if (null_ || !(type_ == SqlType::Int || type_ == SqlType::BigInt || type_ == SqlType::Bit)) mismatch("an integer", *this);
  return i_;
}
bool SqlValue::as_bool() const {
  if (null_ || type_ != SqlType::Bit) mismatch("bit", *this);
  return i_ != 0;
}
const std::string& SqlValue::as_string() const {
  if (null_ || type_ != SqlType::NVarChar) mismatch("nvarchar", *this);
  return s_;
}
const std::vector<std::uint8_t>& SqlValue::as_bytes() const {
  if (null_ || type_ != SqlType::VarBinary) mismatch("varbinary", *this);
  return b_;
}
const SqlDateTime& SqlValue::as_datetime() const {
  if (null_ || type_ != SqlType::DateTime2) mismatch("datetime2", *this);
  return dt_;
}
double SqlValue::as_double() const {
  if (null_) mismatch("float", *this);
  if (type_ == SqlType::Float) return d_;
  if (type_ == SqlType::Int || type_ == SqlType::BigInt) return static_cast<double>(i_);
  mismatch("float", *this);
}

std::string SqlValue::to_display() const {
  if (null_) return "NULL";
  switch (type_) {
    case SqlType::Int:
    case SqlType::BigInt:
    case SqlType::Bit: return std::to_string(i_);
    case SqlType::NVarChar: return s_;
    case SqlType::VarBinary: return to_hex_literal(b_);
    case SqlType::DateTime2: return dt_.to_iso();
    case SqlType::Float: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", d_);
      return buf;
    }
    case SqlType::Null: return "NULL";
  }
  return "?";
}

bool SqlValue::operator==(const SqlValue& o) const {
  if (null_ || o.null_) return null_ == o.null_;
  if (type_ != o.type_) return false;
  switch (type_) {
    case SqlType::NVarChar: return s_ == o.s_;
    case SqlType::VarBinary: return b_ == o.b_;
    case SqlType::DateTime2: return dt_ == o.dt_;
    case SqlType::Float: return d_ == o.d_;
    default: return i_ == o.i_;
  }
}

std::string to_hex_literal(const std::vector<std::uint8_t>& bytes) {
  static const char* digits = "0123456789ABCDEF";
  std::string out = "0x";
  out.reserve(2 + bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 0xF];
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> parse_hex(const std::string& text) {
  std::size_t pos = (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) ? 2 : 0;
  if ((text.size() - pos) % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<std::uint8_t> out;
  out.reserve((text.size() - pos) / 2);
  for (; pos < text.size(); pos += 2) {
    int hi = nibble(text[pos]), lo = nibble(text[pos + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

int SqlResultSet::column(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::string& c = columns[i].name;
    if (c.size() != name.size()) continue;
    bool eq = true;
    for (std::size_t k = 0; k < c.size() && eq; ++k)
      eq = std::tolower(static_cast<unsigned char>(c[k])) == std::tolower(static_cast<unsigned char>(name[k]));
    if (eq) return static_cast<int>(i);
  }
  return -1;
}

const SqlValue& SqlResultSet::at(std::size_t row, const std::string& name) const {
  int c = column(name);
  if (c < 0) throw std::out_of_range("result has no column \"" + name + "\"");
  if (row >= rows.size()) throw std::out_of_range("result has no row " + std::to_string(row));
  return rows[row][static_cast<std::size_t>(c)];
}

}  // namespace milink::sdk
