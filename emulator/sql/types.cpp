#include "sql/types.hpp"

#include "sql/errors.hpp"
#include "state/collation.hpp"
#include "state/time_util.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace milink::emulator::sql {

using milink::sdk::SqlType;

namespace {

struct NamedType {
  const char* name;
  BaseType base;
  int length;  // implied length (sysname = nvarchar(128)); 0 = none
};

const NamedType kTypes[] = {
    {"bit", BaseType::Bit, 0},           {"tinyint", BaseType::TinyInt, 0},
    {"smallint", BaseType::SmallInt, 0}, {"int", BaseType::Int, 0},
    {"integer", BaseType::Int, 0},       {"bigint", BaseType::BigInt, 0},
    {"numeric", BaseType::Numeric, 0},   {"decimal", BaseType::Numeric, 0},
    {"float", BaseType::Float, 0},       {"real", BaseType::Float, 0},
    {"char", BaseType::Char, 0},         {"varchar", BaseType::VarChar, 0},
    {"nchar", BaseType::NChar, 0},       {"nvarchar", BaseType::NVarChar, 0},
    {"sysname", BaseType::NVarChar, 128}, {"binary", BaseType::Binary, 0},
    {"varbinary", BaseType::VarBinary, 0}, {"datetime", BaseType::DateTime, 0},
    {"smalldatetime", BaseType::DateTime, 0}, {"datetime2", BaseType::DateTime2, 0},
    {"uniqueidentifier", BaseType::UniqueIdentifier, 0}, {"sql_variant", BaseType::SqlVariant, 0},
};

bool trim_parse_int(std::string_view s, std::int64_t& out, bool& overflow) {
  overflow = false;
  std::size_t i = 0, n = s.size();
  while (i < n && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  while (n > i && std::isspace(static_cast<unsigned char>(s[n - 1]))) --n;
  if (i == n) {
    out = 0;  // CAST('' AS int) = 0
    return true;
  }
  bool neg = false;
  if (s[i] == '+' || s[i] == '-') {
    neg = s[i] == '-';
    ++i;
  }
  if (i == n) return false;
  unsigned long long v = 0;
  for (; i < n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
    if (v > 9223372036854775808ull) overflow = true;
  }
  if (overflow) return true;
  if (!neg && v > 9223372036854775807ull) {
    overflow = true;
    return true;
  }
  out = neg ? static_cast<std::int64_t>(0 - v) : static_cast<std::int64_t>(v);
  return true;
}

bool in_range(BaseType b, std::int64_t v) {
  switch (b) {
    case BaseType::Bit: return true;
    case BaseType::TinyInt: return v >= 0 && v <= 255;
    case BaseType::SmallInt: return v >= -32768 && v <= 32767;
    case BaseType::Int: return v >= std::numeric_limits<std::int32_t>::min() && v <= std::numeric_limits<std::int32_t>::max();
    default: return true;
  }
}

std::string hex_upper(const std::vector<std::uint8_t>& b, bool prefix) {
  std::string s = milink::sdk::to_hex_literal(b);
  return prefix ? s : s.substr(2);
}

std::string latin1_to_utf8(const std::vector<std::uint8_t>& b) {
  std::string out;
  for (auto c : b) utf8_append(out, static_cast<char32_t>(c));
  return out;
}

std::vector<std::uint8_t> utf8_to_latin1(std::string_view s) {
  std::vector<std::uint8_t> out;
  for (char32_t c : utf8_decode(s)) out.push_back(c < 256 ? static_cast<std::uint8_t>(c) : '?');
  return out;
}

std::string truncate_chars(const std::string& s, int length) {
  if (length < 0) return s;
  std::u32string u = utf8_decode(s);
  if (static_cast<int>(u.size()) <= length) return s;
  u.resize(static_cast<std::size_t>(length));
  return utf8_encode(u);
}

std::string format_float(double d) {
  if (d == 0) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", d);
  return buf;
}

const char* month_abbrev(int m) {
  static const char* names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return names[(m - 1) % 12];
}

std::string format_date(const SqlDateTime& t, BaseType b, int style) {
  char buf[64];
  switch (style) {
    case 101: std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", t.month, t.day, t.year); return buf;
    case 103: std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", t.day, t.month, t.year); return buf;
    case 112: std::snprintf(buf, sizeof buf, "%04d%02d%02d", t.year, t.month, t.day); return buf;
    case 23: std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.year, t.month, t.day); return buf;
    case 20:
    case 120:
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute, t.second);
      return buf;
    case 126:
    case 127: {
      std::string s = b == BaseType::DateTime ? format_datetime(t) : format_datetime2(t);
      s[10] = 'T';
      return s;
    }
    case 21:
    case 121: return b == BaseType::DateTime ? format_datetime(t) : format_datetime2(t);
    default: break;
  }
  if (b == BaseType::DateTime2) return format_datetime2(t);
  // datetime style 0: "Mar 30 2025 12:00AM"
  int h = t.hour % 12;
  if (h == 0) h = 12;
  std::snprintf(buf, sizeof buf, "%s %2d %04d %2d:%02d%s", month_abbrev(t.month), t.day, t.year, h, t.minute,
                t.hour < 12 ? "AM" : "PM");
  return buf;
}

bool valid_guid(const std::string& s, std::string& out) {
  std::string v = s;
  while (!v.empty() && v.back() == ' ') v.pop_back();
  if (v.size() == 38 && v.front() == '{' && v.back() == '}') v = v.substr(1, 36);
  if (v.size() != 36) return false;
  for (std::size_t i = 0; i < 36; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? v[i] != '-' : !std::isxdigit(static_cast<unsigned char>(v[i]))) return false;
  }
  out = ascii_upper(v);
  return true;
}

[[noreturn]] void throw_batch(ErrorMessage m) { throw SqlError(std::move(m), Abort::Batch); }

}  // namespace

// --- TypeSpec -----------------------------------------------------------------

std::optional<TypeSpec> TypeSpec::from_name(std::string_view name) {
  for (const auto& t : kTypes)
    if (iequals(t.name, name)) return TypeSpec::of(t.base, t.length);
  return std::nullopt;
}

std::optional<TypeSpec> TypeSpec::parse(std::string_view text) {
  std::size_t paren = text.find('(');
  std::string_view base = text.substr(0, paren);
  auto t = from_name(base);
  if (!t) return std::nullopt;
  if (paren != std::string_view::npos) {
    std::string_view inner = text.substr(paren + 1, text.find(')') - paren - 1);
    if (iequals(inner, "max")) t->length = -1;
    else if (t->base == BaseType::Numeric) t->precision = std::atoi(std::string(inner).c_str());
    else t->length = std::atoi(std::string(inner).c_str());
  }
  return t;
}

bool TypeSpec::is_string() const {
  return base == BaseType::Char || base == BaseType::VarChar || base == BaseType::NChar || base == BaseType::NVarChar;
}

bool TypeSpec::is_integer() const {
  return base == BaseType::Bit || base == BaseType::TinyInt || base == BaseType::SmallInt || base == BaseType::Int ||
         base == BaseType::BigInt || base == BaseType::Numeric;
}

std::string TypeSpec::base_name() const {
  switch (base) {
    case BaseType::Null: return "int";
    case BaseType::Bit: return "bit";
    case BaseType::TinyInt: return "tinyint";
    case BaseType::SmallInt: return "smallint";
    case BaseType::Int: return "int";
    case BaseType::BigInt: return "bigint";
    case BaseType::Numeric: return "numeric";
    case BaseType::Float: return "float";
    case BaseType::Char: return "char";
    case BaseType::VarChar: return "varchar";
    case BaseType::NChar: return "nchar";
    case BaseType::NVarChar: return "nvarchar";
    case BaseType::Binary: return "binary";
    case BaseType::VarBinary: return "varbinary";
    case BaseType::DateTime: return "datetime";
    case BaseType::DateTime2: return "datetime2";
    case BaseType::UniqueIdentifier: return "uniqueidentifier";
    case BaseType::SqlVariant: return "sql_variant";
  }
  return "?";
}

std::string TypeSpec::name() const {
  std::string n = base_name();
  if (has_length()) n += "(" + (length < 0 ? std::string("max") : std::to_string(length)) + ")";
  if (base == BaseType::Numeric) n += "(" + std::to_string(precision ? precision : 18) + ",0)";
  return n;
}

Column TypeSpec::to_column(const std::string& column_name, bool nullable) const {
  Column c;
  c.name = column_name;
  c.nullable = nullable;
  c.variant = base == BaseType::SqlVariant;
  switch (base) {
    case BaseType::Bit: c.type = SqlType::Bit; break;
    case BaseType::TinyInt:
    case BaseType::SmallInt:
    case BaseType::Int:
    case BaseType::Null: c.type = SqlType::Int; break;
    case BaseType::BigInt:
    case BaseType::Numeric: c.type = SqlType::BigInt; break;
    case BaseType::Float: c.type = SqlType::Float; break;
    case BaseType::DateTime:
    case BaseType::DateTime2: c.type = SqlType::DateTime2; break;
    case BaseType::UniqueIdentifier:
      c.type = SqlType::NVarChar;
      c.size = 36;
      break;
    case BaseType::Char:
    case BaseType::VarChar:
    case BaseType::NChar:
    case BaseType::NVarChar:
    case BaseType::SqlVariant:
      c.type = SqlType::NVarChar;
      c.size = (length < 0 || length > 4000) ? -1 : (length == 0 ? (base == BaseType::SqlVariant ? 4000 : 1) : length);
      break;
    case BaseType::Binary:
    case BaseType::VarBinary:
      c.type = SqlType::VarBinary;
      c.size = (length < 0 || length > 8000) ? -1 : (length == 0 ? 1 : length);
      break;
  }
  return c;
}

TypeSpec resolve_default_length(TypeSpec t, bool in_cast) {
  if (t.has_length() && t.length == 0) t.length = in_cast ? 30 : 1;
  return t;
}

// --- Datum ----------------------------------------------------------------------

SqlType Datum::sql_type_of(BaseType b) { return TypeSpec::of(b, -1).to_column("").type; }

Datum Datum::integer(std::int64_t v) {
  if (!in_range(BaseType::Int, v)) return bigint(v);
  return Datum{SqlValue::integer(static_cast<std::int32_t>(v)), TypeSpec::of(BaseType::Int)};
}
Datum Datum::bigint(std::int64_t v) { return Datum{SqlValue::bigint(v), TypeSpec::of(BaseType::BigInt)}; }
Datum Datum::small(std::int64_t v, BaseType b) {
  return Datum{SqlValue::integer(static_cast<std::int32_t>(v)), TypeSpec::of(b)};
}
Datum Datum::bit(bool v) { return Datum{SqlValue::bit(v), TypeSpec::of(BaseType::Bit)}; }
Datum Datum::floating(double v) { return Datum{SqlValue::floating(v), TypeSpec::of(BaseType::Float)}; }
Datum Datum::nvarchar(std::string v, int length) {
  int len = length == -2 ? std::max<int>(1, static_cast<int>(utf8_length(v))) : length;
  if (len > 4000) len = -1;
  return Datum{SqlValue::nvarchar(std::move(v)), TypeSpec::of(BaseType::NVarChar, len)};
}
Datum Datum::varchar(std::string v, int length) {
  int len = length == -2 ? std::max<int>(1, static_cast<int>(utf8_length(v))) : length;
  if (len > 8000) len = -1;
  return Datum{SqlValue::nvarchar(std::move(v)), TypeSpec::of(BaseType::VarChar, len)};
}
Datum Datum::varbinary(std::vector<std::uint8_t> v, int length) {
  int len = length == -2 ? std::max<int>(1, static_cast<int>(v.size())) : length;
  if (len > 8000) len = -1;
  return Datum{SqlValue::varbinary(std::move(v)), TypeSpec::of(BaseType::VarBinary, len)};
}
Datum Datum::datetime2(const SqlDateTime& t) { return Datum{SqlValue::datetime2(t), TypeSpec::of(BaseType::DateTime2)}; }
Datum Datum::datetime(const SqlDateTime& t) {
  return Datum{SqlValue::datetime2(round_to_datetime(t)), TypeSpec::of(BaseType::DateTime)};
}
Datum Datum::guid(std::string v) {
  return Datum{SqlValue::nvarchar(std::move(v)), TypeSpec::of(BaseType::UniqueIdentifier)};
}
Datum Datum::numeric(std::int64_t v, int precision) {
  TypeSpec t = TypeSpec::of(BaseType::Numeric);
  t.precision = precision;
  return Datum{SqlValue::bigint(v), t};
}

// --- conversion -------------------------------------------------------------------

std::string to_text(const Datum& d) {
  if (d.is_null()) return "";
  const TypeSpec& t = d.type;
  const SqlValue& v = d.value;
  switch (v.type()) {
    case SqlType::NVarChar: return v.as_string();
    case SqlType::Int:
    case SqlType::BigInt:
    case SqlType::Bit: return std::to_string(v.as_int64());
    case SqlType::Float: return format_float(v.as_double());
    case SqlType::VarBinary:
      return t.is_unicode() ? utf16le_to_utf8(v.as_bytes()) : hex_upper(v.as_bytes(), true);
    case SqlType::DateTime2: return format_date(v.as_datetime(), t.base == BaseType::DateTime ? BaseType::DateTime : BaseType::DateTime2, 0);
    case SqlType::Null: return "";
  }
  return "";
}

TypeSpec underlying_type(const Datum& d) {
  if (d.type.base != BaseType::SqlVariant) return d.type;
  switch (d.value.type()) {
    case SqlType::Int: return TypeSpec::of(BaseType::Int);
    case SqlType::BigInt: return TypeSpec::of(BaseType::BigInt);
    case SqlType::Bit: return TypeSpec::of(BaseType::Bit);
    case SqlType::Float: return TypeSpec::of(BaseType::Float);
    case SqlType::VarBinary: return TypeSpec::of(BaseType::VarBinary, -1);
    case SqlType::DateTime2: return TypeSpec::of(BaseType::DateTime2);
    case SqlType::NVarChar: return TypeSpec::of(BaseType::NVarChar, -1);
    case SqlType::Null: return TypeSpec::of(BaseType::Null);
  }
  return d.type;
}

Datum unwrap_variant(const Datum& d) { return Datum{d.value, underlying_type(d)}; }

Datum convert(const Datum& d_in, const TypeSpec& target_in, bool explicit_cast, int style) {
  if (d_in.type.base == BaseType::SqlVariant && target_in.base != BaseType::SqlVariant)
    return convert(unwrap_variant(d_in), target_in, explicit_cast, style);
  const Datum& d = d_in;
  TypeSpec target = target_in;
  if (target.base == BaseType::Null || target.base == BaseType::SqlVariant) return d;
  if (d.is_null()) return Datum::null(target);
  const TypeSpec& from = d.type;
  const SqlValue& v = d.value;

  // --- to character types
  if (target.is_string()) {
    std::string s;
    if (from.is_string() || from.base == BaseType::UniqueIdentifier) {
      s = v.as_string();
    } else if (from.is_binary()) {
      const auto& b = v.as_bytes();
      if (style == 1) s = hex_upper(b, true);
      else if (style == 2) s = hex_upper(b, false);
      else s = target.is_unicode() ? utf16le_to_utf8(b) : latin1_to_utf8(b);
    } else if (from.is_integer()) {
      s = std::to_string(v.as_int64());
    } else if (from.base == BaseType::Float) {
      s = format_float(v.as_double());
    } else if (from.is_datetime()) {
      s = format_date(v.as_datetime(), from.base, style);
    } else {
      s = to_text(d);
    }
    if (!target.is_unicode()) {
      // characters outside the code page (CP1252 ~ Latin-1 here) become '?'
      std::u32string u = utf8_decode(s);
      bool changed = false;
      for (auto& c : u)
        if (c > 0xFF) {
          c = '?';
          changed = true;
        }
      if (changed) s = utf8_encode(u);
    }
    s = truncate_chars(s, target.length);
    if ((target.base == BaseType::Char || target.base == BaseType::NChar) && target.length > 0) {
      std::size_t n = utf8_length(s);
      if (n < static_cast<std::size_t>(target.length)) s.append(static_cast<std::size_t>(target.length) - n, ' ');
    }
    return Datum{SqlValue::nvarchar(std::move(s)), target};
  }

  // --- to integer types
  if (target.is_integer()) {
    std::int64_t n = 0;
    if (from.is_string()) {
      const std::string& s = v.as_string();
      if (target.base == BaseType::Bit) {
        std::string t = s;
        while (!t.empty() && t.back() == ' ') t.pop_back();
        if (iequals(t, "true")) return Datum::bit(true);
        if (iequals(t, "false")) return Datum::bit(false);
      }
      bool overflow = false;
      if (!trim_parse_int(s, n, overflow))
        throw_batch(err::conversion_failed(from.base_name(), s, target.base_name()));
      if (overflow || (target.base != BaseType::Bit && !in_range(target.base, n)))
        throw_batch(err::conversion_overflowed(from.base_name(), s, target.base_name()));
    } else if (from.is_integer()) {
      n = v.as_int64();
    } else if (from.base == BaseType::Float) {
      double x = v.as_double();
      if (!(x > -9.3e18 && x < 9.3e18)) throw_batch(err::arithmetic_overflow(target.base_name()));
      n = static_cast<std::int64_t>(std::trunc(x));
    } else if (from.is_binary()) {
      for (auto b : v.as_bytes()) n = (n << 8) | b;
    } else if (from.base == BaseType::DateTime) {
      n = (to_unix_seconds(v.as_datetime()) - to_unix_seconds(SqlDateTime{1900, 1, 1, 0, 0, 0, 0}) + 43200) / 86400;
    } else {
      if (explicit_cast) throw_batch(err::explicit_conversion_not_allowed(from.base_name(), target.base_name()));
      throw_batch(err::operand_type_clash(from.base_name(), target.base_name()));
    }
    if (target.base == BaseType::Bit) return Datum::bit(n != 0);
    if (!in_range(target.base, n)) throw_batch(err::arithmetic_overflow(target.base_name()));
    if (target.base == BaseType::BigInt) return Datum::bigint(n);
    if (target.base == BaseType::Numeric) return Datum::numeric(n, target.precision);
    return Datum::small(n, target.base);
  }

  // --- to float
  if (target.base == BaseType::Float) {
    if (from.is_string()) {
      std::string s = v.as_string();
      char* end = nullptr;
      double x = std::strtod(s.c_str(), &end);
      while (end && *end == ' ') ++end;
      if (s.empty() || !end || *end != '\0') throw_batch(err::error_converting(from.base_name(), "float"));
      return Datum::floating(x);
    }
    if (from.is_integer()) return Datum::floating(static_cast<double>(v.as_int64()));
    if (from.base == BaseType::Float) return d;
    if (explicit_cast) throw_batch(err::explicit_conversion_not_allowed(from.base_name(), "float"));
    throw_batch(err::operand_type_clash(from.base_name(), "float"));
  }

  // --- to binary
  if (target.is_binary()) {
    std::vector<std::uint8_t> b;
    if (from.is_binary()) {
      b = v.as_bytes();
    } else if (from.is_string()) {
      const std::string& s = v.as_string();
      if (style == 1 || style == 2) {
        std::string h = s;
        if (style == 1 && !(h.size() >= 2 && h[0] == '0' && (h[1] == 'x' || h[1] == 'X')))
          throw_batch(err::error_converting(from.base_name(), target.base_name()));
        auto parsed = milink::sdk::parse_hex(h);
        if (!parsed) throw_batch(err::error_converting(from.base_name(), target.base_name()));
        b = *parsed;
      } else {
        b = from.is_unicode() ? utf8_to_utf16le(s) : utf8_to_latin1(s);
      }
    } else if (from.is_integer()) {
      int width = from.base == BaseType::BigInt ? 8 : from.base == BaseType::SmallInt ? 2
                  : (from.base == BaseType::TinyInt || from.base == BaseType::Bit) ? 1 : 4;
      std::int64_t n = v.as_int64();
      for (int i = width - 1; i >= 0; --i) b.push_back(static_cast<std::uint8_t>((n >> (8 * i)) & 0xFF));
    } else if (from.base == BaseType::UniqueIdentifier) {
      std::string h;
      for (char c : v.as_string())
        if (c != '-') h += c;
      auto raw = milink::sdk::parse_hex(h).value_or(std::vector<std::uint8_t>(16));
      // SQL Server stores the first three groups little-endian.
      b = {raw[3], raw[2], raw[1], raw[0], raw[5], raw[4], raw[7], raw[6]};
      b.insert(b.end(), raw.begin() + 8, raw.end());
    } else {
      if (explicit_cast) throw_batch(err::explicit_conversion_not_allowed(from.base_name(), target.base_name()));
      throw_batch(err::operand_type_clash(from.base_name(), target.base_name()));
    }
    if (target.length > 0 && b.size() > static_cast<std::size_t>(target.length)) {
      if (from.is_integer()) b.erase(b.begin(), b.end() - target.length);
      else b.resize(static_cast<std::size_t>(target.length));
    }
    if (target.base == BaseType::Binary && target.length > 0 && b.size() < static_cast<std::size_t>(target.length))
      b.resize(static_cast<std::size_t>(target.length), 0);
    return Datum{SqlValue::varbinary(std::move(b)), target};
  }

  // --- to datetime / datetime2
  if (target.is_datetime()) {
    SqlDateTime t;
    if (from.is_string()) {
      auto p = parse_tsql_datetime(v.as_string());
      if (!p) throw_batch(err::datetime_conversion_failed());
      t = *p;
    } else if (from.is_datetime()) {
      t = v.as_datetime();
    } else if (from.is_integer() && target.base == BaseType::DateTime) {
      t = add_days(SqlDateTime{1900, 1, 1, 0, 0, 0, 0}, static_cast<int>(v.as_int64()));
    } else {
      if (explicit_cast) throw_batch(err::explicit_conversion_not_allowed(from.base_name(), target.base_name()));
      throw_batch(err::operand_type_clash(from.base_name(), target.base_name()));
    }
    return target.base == BaseType::DateTime ? Datum::datetime(t) : Datum::datetime2(t);
  }

  // --- to uniqueidentifier
  if (target.base == BaseType::UniqueIdentifier) {
    if (from.base == BaseType::UniqueIdentifier) return d;
    if (from.is_string()) {
      std::string g;
      if (!valid_guid(v.as_string(), g)) throw_batch(err::guid_conversion_failed());
      return Datum::guid(g);
    }
    if (from.is_binary() && v.as_bytes().size() >= 16) {
      const auto& b = v.as_bytes();
      std::vector<std::uint8_t> raw = {b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6]};
      raw.insert(raw.end(), b.begin() + 8, b.begin() + 16);
      std::string h = hex_upper(raw, false);
      return Datum::guid(h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
                         h.substr(20));
    }
    if (explicit_cast) throw_batch(err::explicit_conversion_not_allowed(from.base_name(), "uniqueidentifier"));
    throw_batch(err::operand_type_clash(from.base_name(), "uniqueidentifier"));
  }
  return d;
}

int type_precedence(BaseType b) {
  switch (b) {
    case BaseType::SqlVariant: return 30;
    case BaseType::DateTime2: return 29;
    case BaseType::DateTime: return 28;
    case BaseType::Float: return 27;
    case BaseType::Numeric: return 26;
    case BaseType::BigInt: return 25;
    case BaseType::Int: return 24;
    case BaseType::SmallInt: return 23;
    case BaseType::TinyInt: return 22;
    case BaseType::Bit: return 21;
    case BaseType::UniqueIdentifier: return 20;
    case BaseType::NVarChar: return 19;
    case BaseType::NChar: return 18;
    case BaseType::VarChar: return 17;
    case BaseType::Char: return 16;
    case BaseType::VarBinary: return 15;
    case BaseType::Binary: return 14;
    case BaseType::Null: return 0;
  }
  return 0;
}

TypeSpec common_type(const TypeSpec& a, const TypeSpec& b) {
  if (a.base == BaseType::Null) return b;
  if (b.base == BaseType::Null) return a;
  if (a.is_string() && b.is_string()) {
    TypeSpec t = TypeSpec::of((a.is_unicode() || b.is_unicode()) ? BaseType::NVarChar : BaseType::VarChar, -1);
    return t;
  }
  TypeSpec t = type_precedence(a.base) >= type_precedence(b.base) ? a : b;
  if (t.has_length()) t.length = -1;
  return t;
}

int compare(const Datum& a_in, const Datum& b_in, bool ci) {
  Datum a = unwrap_variant(a_in), b = unwrap_variant(b_in);
  TypeSpec t = common_type(a.type, b.type);
  Datum x = convert(a, t, false), y = convert(b, t, false);
  if (t.is_string() || t.base == BaseType::UniqueIdentifier) return collate_compare(x.value.as_string(), y.value.as_string(), ci);
  if (t.is_integer()) {
    std::int64_t p = x.value.as_int64(), q = y.value.as_int64();
    return p < q ? -1 : p > q ? 1 : 0;
  }
  if (t.base == BaseType::Float) {
    double p = x.value.as_double(), q = y.value.as_double();
    return p < q ? -1 : p > q ? 1 : 0;
  }
  if (t.is_datetime()) {
    const auto& p = x.value.as_datetime();
    const auto& q = y.value.as_datetime();
    return p < q ? -1 : q < p ? 1 : 0;
  }
  if (t.is_binary()) {
    const auto& p = x.value.as_bytes();
    const auto& q = y.value.as_bytes();
    return p < q ? -1 : q < p ? 1 : 0;
  }
  return 0;
}

Datum arithmetic(const std::string& op, const Datum& a_in, const Datum& b_in) {
  Datum a = unwrap_variant(a_in), b = unwrap_variant(b_in);
  static const char* names[] = {"add", "subtract", "multiply", "divide", "modulo"};
  int opi = op == "+" ? 0 : op == "-" ? 1 : op == "*" ? 2 : op == "/" ? 3 : 4;
  TypeSpec t = common_type(a.type, b.type);
  if (t.base == BaseType::Null) t = TypeSpec::of(BaseType::Int);
  if (t.is_string() || t.is_binary()) {
    if (opi != 0) throw_batch(err::incompatible_operator(a.type.base_name(), b.type.base_name(), names[opi]));
    int la = a.type.length, lb = b.type.length;
    int len = (la < 0 || lb < 0) ? -1 : la + lb;
    int cap = t.is_unicode() ? 4000 : 8000;
    if (len > cap) len = -1;
    TypeSpec rt = t;
    rt.length = len;
    if (a.is_null() || b.is_null()) return Datum::null(rt);
    Datum x = convert(a, TypeSpec::of(t.base, -1), false), y = convert(b, TypeSpec::of(t.base, -1), false);
    if (t.is_binary()) {
      auto bytes = x.value.as_bytes();
      const auto& more = y.value.as_bytes();
      bytes.insert(bytes.end(), more.begin(), more.end());
      return Datum{SqlValue::varbinary(std::move(bytes)), rt};
    }
    return Datum{SqlValue::nvarchar(x.value.as_string() + y.value.as_string()), rt};
  }
  if (t.base == BaseType::UniqueIdentifier || t.base == BaseType::DateTime2 ||
      (t.base == BaseType::DateTime && opi > 1))
    throw_batch(err::incompatible_operator(a.type.base_name(), b.type.base_name(), names[opi]));
  if (t.base == BaseType::DateTime) {
    if (a.is_null() || b.is_null()) return Datum::null(t);
    const Datum& dt = a.type.base == BaseType::DateTime ? a : b;
    const Datum& other = a.type.base == BaseType::DateTime ? b : a;
    Datum days = convert(other, TypeSpec::of(BaseType::Float), false);
    double n = days.value.as_double() * (opi == 1 && &dt == &a ? -1 : 1);
    return Datum::datetime(add_seconds(dt.value.as_datetime(), static_cast<std::int64_t>(std::llround(n * 86400))));
  }
  if (t.base == BaseType::Float) {
    if (a.is_null() || b.is_null()) return Datum::null(t);
    double x = convert(a, t, false).value.as_double(), y = convert(b, t, false).value.as_double();
    if ((opi == 3 || opi == 4) && y == 0) throw_batch(err::divide_by_zero());
    double r = opi == 0 ? x + y : opi == 1 ? x - y : opi == 2 ? x * y : opi == 3 ? x / y : std::fmod(x, y);
    return Datum::floating(r);
  }
  // integers: tinyint/smallint/bit arithmetic yields int
  BaseType rb = (t.base == BaseType::BigInt || t.base == BaseType::Numeric) ? t.base : BaseType::Int;
  TypeSpec rt = TypeSpec::of(rb);
  if (a.is_null() || b.is_null()) return Datum::null(rt);
  std::int64_t x = convert(a, rt, false).value.as_int64(), y = convert(b, rt, false).value.as_int64();
  if ((opi == 3 || opi == 4) && y == 0) throw_batch(err::divide_by_zero());
  std::int64_t r = 0;
  bool overflow = false;
  switch (opi) {
    case 0: overflow = __builtin_add_overflow(x, y, &r); break;
    case 1: overflow = __builtin_sub_overflow(x, y, &r); break;
    case 2: overflow = __builtin_mul_overflow(x, y, &r); break;
    case 3: r = x / y; break;
    default: r = x % y; break;
  }
  if (overflow || (rb == BaseType::Int && !in_range(BaseType::Int, r)))
    throw_batch(err::arithmetic_overflow(rb == BaseType::Int ? "int" : "bigint"));
  return rb == BaseType::Int ? Datum::small(r, BaseType::Int) : (rb == BaseType::BigInt ? Datum::bigint(r) : Datum::numeric(r, t.precision));
}

}  // namespace milink::emulator::sql
