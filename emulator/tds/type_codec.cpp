#include "tds/type_codec.hpp"

#include "tds/login7.hpp"
#include "tds/protocol_error.hpp"

#include <Poco/DateTime.h>
#include <Poco/Timespan.h>

#include <cmath>
#include <cstring>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace milink::emulator::tds {

using namespace tds_type;

// ---------------------------------------------------------------------------
// Dates

namespace {
// Calendar arithmetic is Poco's (proleptic Gregorian, years 0 to 9999):
// the emulator's only one (state/time_util uses it through days_since_0001).
const Poco::DateTime& day_0001() {
  static const Poco::DateTime d(1, 1, 1);
  return d;
}

/// Days from 0001-01-01 to 1900-01-01, where DATETIME counts from.
std::int64_t epoch_1900() {
  static const std::int64_t days = (Poco::DateTime(1900, 1, 1) - day_0001()).days();
  return days;
}

/// DATETIME's range, 1753-01-01 to 9999-12-31, in days from 1900-01-01.
constexpr std::int64_t kFirstDateTimeDay = -53690;
constexpr std::int64_t kLastDateTimeDay = 2958463;

std::uint64_t read_uint_le(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t(p[i]) << (8 * i);
  return v;
}

std::size_t time_bytes(std::uint8_t scale) { return scale <= 2 ? 3 : scale <= 4 ? 4 : 5; }

/// Time of day from \p ticks units of 10^-scale seconds.
void set_time(SqlDateTime& dt, std::uint64_t ticks, std::uint8_t scale) {
  std::uint64_t per_second = 1;
  for (int i = 0; i < scale; ++i) per_second *= 10;
  std::uint64_t secs = ticks / per_second;
  std::uint64_t frac = ticks % per_second;
  std::uint64_t ns = frac;
  for (int i = scale; i < 9; ++i) ns *= 10;
  if (secs >= 86400) throw ProtocolError("time value beyond 24 hours");
  dt.hour = static_cast<int>(secs / 3600);
  dt.minute = static_cast<int>((secs / 60) % 60);
  dt.second = static_cast<int>(secs % 60);
  dt.nanosecond = static_cast<std::int32_t>(ns);
}

SqlDateTime from_days_0001(std::uint64_t days) {
  SqlDateTime dt;
  if (days > 3652058) throw ProtocolError("date beyond 9999-12-31");
  date_from_days_since_0001(static_cast<std::int64_t>(days), dt.year, dt.month, dt.day);
  return dt;
}

SqlDateTime from_datetime(std::int32_t days_since_1900, std::uint32_t ticks300) {
  SqlDateTime dt;
  if (days_since_1900 < kFirstDateTimeDay || days_since_1900 > kLastDateTimeDay)
    throw ProtocolError("datetime outside 1753-01-01 to 9999-12-31");
  date_from_days_since_0001(epoch_1900() + days_since_1900, dt.year, dt.month, dt.day);
  // 1/300 s ticks to 100 ns units, rounded.
  std::uint64_t units = (std::uint64_t(ticks300) * 100000 + 1) / 3;
  set_time(dt, units, 7);
  return dt;
}

std::string guid_text(const std::uint8_t* g) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X", g[3], g[2],
                g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
  return buf;
}

double money_value(const std::uint8_t* p, std::size_t n) {
  if (n == 4) return static_cast<std::int32_t>(read_uint_le(p, 4)) / 10000.0;
  std::int64_t hi = static_cast<std::int32_t>(read_uint_le(p, 4));
  std::uint64_t lo = read_uint_le(p + 4, 4);
  return static_cast<double>(static_cast<std::int64_t>((static_cast<std::uint64_t>(hi) << 32) | lo)) / 10000.0;
}

bool is_unicode(std::uint8_t t) { return t == kNVarChar || t == kNChar || t == kNText || t == kXml; }
bool is_char(std::uint8_t t) {
  return t == kBigVarChar || t == kBigChar || t == kText || t == kVarChar || t == kChar;
}

SqlValue text_value(const std::uint8_t* p, std::size_t n, const TypeInfo& ti, const Collation& dflt) {
  if (is_unicode(ti.type)) {
    if (n % 2) throw ProtocolError("odd byte count in UTF-16 data of type " + type_name(ti.type));
    return SqlValue::nvarchar(utf16le_to_utf8(p, n));
  }
  if (is_char(ti.type)) {
    const Collation& c = ti.has_collation ? ti.collation : dflt;
    return SqlValue::nvarchar(decode_code_page(p, n, c.code_page()));
  }
  return SqlValue::varbinary(std::vector<std::uint8_t>(p, p + n));
}

Bytes read_plp(ByteReader& r, bool& is_null) {
  std::uint64_t total = r.u64le();
  is_null = total == ~std::uint64_t(0);
  Bytes data;
  if (is_null) return data;
  const bool known = total != ~std::uint64_t(0) - 1;
  if (known && total > r.remaining()) throw ProtocolError("PLP length " + std::to_string(total) + " exceeds the message");
  for (;;) {
    std::uint32_t chunk = r.u32le();
    if (chunk == 0) break;
    const std::uint8_t* p = r.take(chunk);
    data.insert(data.end(), p, p + chunk);
    if (known && data.size() > total) throw ProtocolError("PLP chunks exceed the announced length");
  }
  if (known && data.size() != total) throw ProtocolError("PLP chunks do not add up to the announced length");
  return data;
}

}  // namespace

std::int64_t days_since_0001(int year, int month, int day) {
  return (Poco::DateTime(year, month, day) - day_0001()).days();
}

void date_from_days_since_0001(std::int64_t days, int& year, int& month, int& day) {
  const Poco::DateTime d = day_0001() + Poco::Timespan(static_cast<int>(days), 0, 0, 0, 0);
  year = d.year();
  month = d.month();
  day = d.day();
}

std::string type_name(std::uint8_t type) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", type);
  return buf;
}

// ---------------------------------------------------------------------------
// Decoding

TypeInfo read_type_info(ByteReader& r) {
  TypeInfo ti;
  ti.type = r.u8();
  auto bad_length = [&] {
    throw ProtocolError("data type " + type_name(ti.type) + " has an invalid data length or metadata length (" +
                        std::to_string(ti.max_length) + ")");
  };
  switch (ti.type) {
    case kNull: ti.max_length = 0; break;
    case kInt1: case kBit: ti.max_length = 1; break;
    case kInt2: ti.max_length = 2; break;
    case kInt4: case kDateTim4: case kFlt4: case kMoney4: ti.max_length = 4; break;
    case kMoney: case kDateTime: case kFlt8: case kInt8: ti.max_length = 8; break;
    case kIntN:
      ti.max_length = r.u8();
      if (ti.max_length != 1 && ti.max_length != 2 && ti.max_length != 4 && ti.max_length != 8) bad_length();
      break;
    case kBitN:
      ti.max_length = r.u8();
      if (ti.max_length != 1) bad_length();
      break;
    case kFltN: case kMoneyN: case kDateTimN:
      ti.max_length = r.u8();
      if (ti.max_length != 4 && ti.max_length != 8) bad_length();
      break;
    case kGuid:
      ti.max_length = r.u8();
      if (ti.max_length != 16) bad_length();
      break;
    case kDecimalN: case kNumericN: case kDecimal: case kNumeric:
      ti.max_length = r.u8();
      ti.precision = r.u8();
      ti.scale = r.u8();
      if (ti.max_length < 5 || ti.max_length > 17 || ti.precision < 1 || ti.precision > 38 || ti.scale > ti.precision)
        bad_length();
      break;
    case kDateN: ti.max_length = 3; break;
    case kTimeN: case kDateTime2N: case kDateTimeOffsetN:
      ti.scale = r.u8();
      if (ti.scale > 7) bad_length();
      ti.max_length = static_cast<std::uint32_t>(time_bytes(ti.scale) + (ti.type == kTimeN ? 0 : 3) +
                                                 (ti.type == kDateTimeOffsetN ? 2 : 0));
      break;
    case kChar: case kVarChar: case kBinary: case kVarBinary:
      ti.max_length = r.u8();
      break;
    case kBigVarBinary: case kBigBinary:
      ti.max_length = r.u16le();
      if (ti.max_length == 0xFFFF) {
        if (ti.type != kBigVarBinary) bad_length();
        ti.plp = true;
      } else if (ti.max_length > 8000) {
        bad_length();
      }
      break;
    case kBigVarChar: case kBigChar: case kNVarChar: case kNChar:
      ti.max_length = r.u16le();
      if (ti.max_length == 0xFFFF) {
        if (ti.type != kBigVarChar && ti.type != kNVarChar) bad_length();
        ti.plp = true;
      } else if (ti.max_length > 8000) {
        bad_length();
      }
      ti.has_collation = true;
      for (auto& b : ti.collation.bytes) b = r.u8();
      break;
    case kText: case kNText: case kImage:
      ti.max_length = r.u32le();
      if (ti.type != kImage) {
        ti.has_collation = true;
        for (auto& b : ti.collation.bytes) b = r.u8();
      }
      break;
    case kXml: {
      ti.plp = true;
      std::uint8_t schema_present = r.u8();
      if (schema_present) {
        r.b_varchar();   // database
        r.b_varchar();   // owning schema
        r.us_varchar();  // schema collection
      }
      break;
    }
    default:
      throw ProtocolError("data type " + type_name(ti.type) + " is unknown or not supported");
  }
  return ti;
}

SqlType sql_type_of(const TypeInfo& ti) {
  switch (ti.type) {
    case kInt8: return SqlType::BigInt;
    case kIntN: return ti.max_length == 8 ? SqlType::BigInt : SqlType::Int;
    case kInt1: case kInt2: case kInt4: return SqlType::Int;
    case kBit: case kBitN: return SqlType::Bit;
    case kFlt4: case kFlt8: case kFltN: case kMoney: case kMoney4: case kMoneyN: return SqlType::Float;
    case kDecimalN: case kNumericN: case kDecimal: case kNumeric:
      return ti.scale == 0 && ti.precision <= 18 ? SqlType::BigInt : SqlType::Float;
    case kDateTime: case kDateTim4: case kDateTimN: case kDateN: case kTimeN: case kDateTime2N: case kDateTimeOffsetN:
      return SqlType::DateTime2;
    case kBigVarBinary: case kBigBinary: case kImage: case kBinary: case kVarBinary: return SqlType::VarBinary;
    case kNull: return SqlType::Null;
    default: return SqlType::NVarChar;  // character types, GUID, XML
  }
}

SqlValue read_value(ByteReader& r, const TypeInfo& ti, const Collation& dflt) {
  const SqlType null_type = sql_type_of(ti);
  auto fixed = [&](std::size_t len) -> SqlValue {
    const std::uint8_t* p = r.take(len);
    switch (ti.type) {
      case kInt1: case kIntN:
        if (len == 1) return SqlValue::integer(p[0]);
        if (len == 2) return SqlValue::integer(static_cast<std::int16_t>(read_uint_le(p, 2)));
        if (len == 4) return SqlValue::integer(static_cast<std::int32_t>(read_uint_le(p, 4)));
        return SqlValue::bigint(static_cast<std::int64_t>(read_uint_le(p, 8)));
      case kInt2: return SqlValue::integer(static_cast<std::int16_t>(read_uint_le(p, 2)));
      case kInt4: return SqlValue::integer(static_cast<std::int32_t>(read_uint_le(p, 4)));
      case kInt8: return SqlValue::bigint(static_cast<std::int64_t>(read_uint_le(p, 8)));
      case kBit: case kBitN: return SqlValue::bit(p[0] != 0);
      case kFlt4: case kFlt8: case kFltN:
        if (len == 4) {
          std::uint32_t bits = static_cast<std::uint32_t>(read_uint_le(p, 4));
          float f;
          std::memcpy(&f, &bits, 4);
          return SqlValue::floating(f);
        } else {
          std::uint64_t bits = read_uint_le(p, 8);
          double d;
          std::memcpy(&d, &bits, 8);
          return SqlValue::floating(d);
        }
      case kMoney: case kMoney4: case kMoneyN: return SqlValue::floating(money_value(p, len));
      case kDateTime: case kDateTim4: case kDateTimN:
        if (len == 4) {
          SqlDateTime dt;
          date_from_days_since_0001(epoch_1900() + static_cast<std::int64_t>(read_uint_le(p, 2)), dt.year, dt.month,
                                    dt.day);
          std::uint64_t minutes = read_uint_le(p + 2, 2);
          set_time(dt, minutes * 60, 0);
          return SqlValue::datetime2(dt);
        }
        return SqlValue::datetime2(
            from_datetime(static_cast<std::int32_t>(read_uint_le(p, 4)), static_cast<std::uint32_t>(read_uint_le(p + 4, 4))));
      case kGuid: return SqlValue::nvarchar(guid_text(p));
      default: break;
    }
    throw ProtocolError("internal: no fixed decoder for " + type_name(ti.type));
  };

  switch (ti.type) {
    case kNull: return SqlValue::null();
    case kInt1: case kBit: case kInt2: case kInt4: case kDateTim4: case kFlt4: case kMoney4: case kMoney:
    case kDateTime: case kFlt8: case kInt8:
      return fixed(ti.max_length);
    case kIntN: case kBitN: case kFltN: case kMoneyN: case kDateTimN: case kGuid: {
      std::uint8_t len = r.u8();
      if (len == 0) return SqlValue::null(null_type);
      if (len != ti.max_length && !(ti.type == kIntN && (len == 1 || len == 2 || len == 4 || len == 8) && len <= ti.max_length) &&
          !((ti.type == kFltN || ti.type == kMoneyN || ti.type == kDateTimN) && (len == 4 || len == 8)))
        throw ProtocolError("data type " + type_name(ti.type) + " value has invalid length " + std::to_string(len));
      return fixed(len);
    }
    case kDecimalN: case kNumericN: case kDecimal: case kNumeric: {
      std::uint8_t len = r.u8();
      if (len == 0) return SqlValue::null(null_type);
      if (len > ti.max_length || len < 2) throw ProtocolError("decimal value has invalid length " + std::to_string(len));
      const std::uint8_t* p = r.take(len);
      bool positive = p[0] == 1;
      // Magnitude: little-endian integer of len-1 bytes (up to 128 bits).
      long double mag = 0;
      for (std::size_t i = len - 1; i >= 1; --i) mag = mag * 256 + p[i];
      if (ti.scale == 0 && ti.precision <= 18) {
        std::int64_t v = static_cast<std::int64_t>(read_uint_le(p + 1, std::min<std::size_t>(len - 1, 8)));
        return SqlValue::bigint(positive ? v : -v);
      }
      long double v = mag;
      for (int i = 0; i < ti.scale; ++i) v /= 10;
      return SqlValue::floating(static_cast<double>(positive ? v : -v));
    }
    case kDateN: case kTimeN: case kDateTime2N: case kDateTimeOffsetN: {
      std::uint8_t len = r.u8();
      if (len == 0) return SqlValue::null(null_type);
      if (len != ti.max_length) throw ProtocolError("date/time value has invalid length " + std::to_string(len));
      const std::uint8_t* p = r.take(len);
      SqlDateTime dt;
      std::size_t tb = ti.type == kDateN ? 0 : time_bytes(ti.scale);
      if (ti.type == kTimeN) {
        dt.year = 1900;
      } else {
        dt = from_days_0001(read_uint_le(p + tb, 3));
      }
      if (ti.type != kDateN) set_time(dt, read_uint_le(p, tb), ti.scale);
      return SqlValue::datetime2(dt);  // DATETIMEOFFSET: the UTC time, offset dropped
    }
    case kChar: case kVarChar: case kBinary: case kVarBinary: {
      std::uint8_t len = r.u8();
      if (len == 0xFF && ti.max_length < 0xFF) return SqlValue::null(null_type);
      if (len > ti.max_length) throw ProtocolError("data type " + type_name(ti.type) + " value longer than its type");
      const std::uint8_t* p = r.take(len);
      return text_value(p, len, ti, dflt);
    }
    case kBigVarBinary: case kBigBinary: case kBigVarChar: case kBigChar: case kNVarChar: case kNChar: case kXml: {
      if (ti.plp) {
        bool is_null = false;
        Bytes data = read_plp(r, is_null);
        if (is_null) return SqlValue::null(null_type);
        return text_value(data.data(), data.size(), ti, dflt);
      }
      std::uint16_t len = r.u16le();
      if (len == 0xFFFF) return SqlValue::null(null_type);
      if (len > ti.max_length)
        throw ProtocolError("data type " + type_name(ti.type) + " has an invalid data length or metadata length");
      const std::uint8_t* p = r.take(len);
      return text_value(p, len, ti, dflt);
    }
    case kText: case kNText: case kImage: {
      std::uint32_t len = r.u32le();
      if (len == 0xFFFFFFFF) return SqlValue::null(null_type);
      const std::uint8_t* p = r.take(len);
      return text_value(p, len, ti, dflt);
    }
    default:
      throw ProtocolError("data type " + type_name(ti.type) + " is unknown or not supported");
  }
}

// ---------------------------------------------------------------------------
// Encoding

namespace {

using Kind = ColumnFormat::Kind;

std::int64_t to_int64(const SqlValue& v) {
  switch (v.type()) {
    case SqlType::Int: case SqlType::BigInt: case SqlType::Bit: return v.as_int64();
    case SqlType::Float: return std::llround(v.as_double());
    case SqlType::NVarChar: {
      std::size_t used = 0;
      long long x = std::stoll(v.as_string(), &used);
      if (used != v.as_string().size()) throw std::invalid_argument("not an integer: " + v.as_string());
      return x;
    }
    default: throw std::invalid_argument(std::string("cannot convert ") + sql_type_name(v.type()) + " to an integer");
  }
}

double to_double(const SqlValue& v) {
  switch (v.type()) {
    case SqlType::Float: return v.as_double();
    case SqlType::Int: case SqlType::BigInt: case SqlType::Bit: return static_cast<double>(v.as_int64());
    case SqlType::NVarChar: return std::stod(v.as_string());
    default: throw std::invalid_argument(std::string("cannot convert ") + sql_type_name(v.type()) + " to float");
  }
}

std::string to_text(const SqlValue& v) { return v.type() == SqlType::NVarChar ? v.as_string() : v.to_display(); }

std::vector<std::uint8_t> to_bytes(const SqlValue& v) {
  if (v.type() == SqlType::VarBinary) return v.as_bytes();
  if (v.type() == SqlType::NVarChar) return std::vector<std::uint8_t>(v.as_string().begin(), v.as_string().end());
  throw std::invalid_argument(std::string("cannot convert ") + sql_type_name(v.type()) + " to varbinary");
}

SqlDateTime to_datetime(const SqlValue& v) {
  if (v.type() == SqlType::DateTime2) return v.as_datetime();
  if (v.type() == SqlType::NVarChar)
    if (auto dt = SqlDateTime::parse(v.as_string())) return *dt;
  throw std::invalid_argument(std::string("cannot convert ") + sql_type_name(v.type()) + " to datetime2");
}

std::string datetime_text(const SqlDateTime& dt) {
  std::string s = dt.to_iso();
  if (auto t = s.find('T'); t != std::string::npos) s[t] = ' ';
  return s;
}

std::size_t encoded_size(const SqlValue& v, SqlType column_type) {
  if (v.is_null()) return 0;
  if (column_type == SqlType::NVarChar) return utf8_to_utf16le(to_text(v)).size();
  if (column_type == SqlType::VarBinary && (v.type() == SqlType::VarBinary || v.type() == SqlType::NVarChar))
    return to_bytes(v).size();
  return 0;
}

void write_plp(ByteWriter& w, const std::uint8_t* data, std::size_t n) {
  w.u64le(n);
  constexpr std::size_t kChunk = 8000;
  for (std::size_t off = 0; off < n; off += kChunk) {
    std::size_t len = std::min(kChunk, n - off);
    w.u32le(static_cast<std::uint32_t>(len));
    w.bytes(data + off, len);
  }
  w.u32le(0);
}

void write_text_pointer_value(ByteWriter& w, const std::uint8_t* data, std::size_t n) {
  w.u8(16);
  for (int i = 0; i < 16; ++i) w.u8(0xAB);  // text pointer (opaque)
  w.zeros(8);                                // timestamp
  w.u32le(static_cast<std::uint32_t>(n));
  w.bytes(data, n);
}

}  // namespace

ColumnFormat column_format(const Column& column, const std::vector<std::vector<SqlValue>>& rows, std::size_t index,
                           std::uint32_t tds_version) {
  ColumnFormat f;
  f.name = column.name;
  f.nullable = column.nullable;
  const bool has_max = tds_version >= kTds72;
  if (column.variant) {
    f.kind = Kind::Variant;
    f.length = 0;
    f.tds_version = tds_version;
    return f;
  }
  switch (column.type) {
    case SqlType::Null:
    case SqlType::Int: f.kind = Kind::IntN; f.length = 4; break;
    case SqlType::BigInt: f.kind = Kind::IntN; f.length = 8; break;
    case SqlType::Bit: f.kind = Kind::BitN; f.length = 1; break;
    case SqlType::Float: f.kind = Kind::FltN; f.length = 8; break;
    case SqlType::DateTime2:
      if (tds_version >= 0x730A0003) {
        f.kind = Kind::DateTime2;
        f.length = 8;
      } else {
        f.kind = Kind::NVarChar;
        f.length = 27 * 2;
        f.datetime_as_text = true;
      }
      break;
    case SqlType::NVarChar:
    case SqlType::VarBinary: {
      const bool text = column.type == SqlType::NVarChar;
      const int limit = text ? 4000 : 8000;
      bool max = column.size <= 0 || column.size > limit;
      std::size_t declared = max ? 0 : static_cast<std::size_t>(column.size) * (text ? 2 : 1);
      if (!max)
        for (const auto& row : rows)
          if (index < row.size() && encoded_size(row[index], column.type) > declared) {
            max = true;
            break;
          }
      if (max) {
        f.kind = text ? (has_max ? Kind::NVarCharMax : Kind::NText) : (has_max ? Kind::VarBinaryMax : Kind::Image);
        f.length = 0xFFFF;
      } else {
        f.kind = text ? Kind::NVarChar : Kind::VarBinary;
        f.length = static_cast<std::uint16_t>(declared);
      }
      break;
    }
  }
  return f;
}

ColumnFormat value_format(const SqlValue& value, SqlType hint, bool prefer_max, std::uint32_t tds_version) {
  Column c;
  c.type = value.type() == SqlType::Null ? (hint == SqlType::Null ? SqlType::Int : hint) : value.type();
  c.size = prefer_max ? -1 : (c.type == SqlType::NVarChar ? 4000 : 8000);
  return column_format(c, {{value}}, 0, tds_version);
}

void write_type_info(ByteWriter& w, const ColumnFormat& f, const Collation& collation, std::uint32_t tds_version,
                     bool in_colmetadata) {
  auto coll = [&] {
    for (auto b : collation.bytes) w.u8(b);
  };
  switch (f.kind) {
    case Kind::IntN: w.u8(kIntN); w.u8(static_cast<std::uint8_t>(f.length)); break;
    case Kind::BitN: w.u8(kBitN); w.u8(1); break;
    case Kind::FltN: w.u8(kFltN); w.u8(8); break;
    case Kind::DateTime2: w.u8(kDateTime2N); w.u8(7); break;
    case Kind::Variant: w.u8(kVariant); w.u32le(8016); break;  // SQL Server's sql_variant maximum
    case Kind::NVarChar: w.u8(kNVarChar); w.u16le(f.length); coll(); break;
    case Kind::NVarCharMax: w.u8(kNVarChar); w.u16le(0xFFFF); coll(); break;
    case Kind::VarBinary: w.u8(kBigVarBinary); w.u16le(f.length); break;
    case Kind::VarBinaryMax: w.u8(kBigVarBinary); w.u16le(0xFFFF); break;
    case Kind::NText:
    case Kind::Image:
      w.u8(f.kind == Kind::NText ? kNText : kImage);
      w.u32le(f.kind == Kind::NText ? 0x7FFFFFFE : 0x7FFFFFFF);
      if (f.kind == Kind::NText) coll();
      if (in_colmetadata) {
        if (tds_version >= kTds72) {
          w.u8(0);  // NumParts
        } else {
          w.u16le(0);  // TableName US_VARCHAR
        }
      }
      break;
  }
}

void write_value(ByteWriter& w, const ColumnFormat& f, const SqlValue& v) {
  const bool null = v.is_null();
  switch (f.kind) {
    case Kind::Variant: {
      // u32 length (0: NULL), then the base type, its property bytes, the data.
      if (null) return w.u32le(0);
      ByteWriter body;
      switch (v.type()) {
        case SqlType::Int: body.u8(kInt4); body.u8(0); body.i32le(static_cast<std::int32_t>(v.as_int64())); break;
        case SqlType::BigInt: body.u8(kInt8); body.u8(0); body.u64le(static_cast<std::uint64_t>(v.as_int64())); break;
        case SqlType::Bit: body.u8(kBit); body.u8(0); body.u8(v.as_int64() != 0 ? 1 : 0); break;
        case SqlType::Float: {
          double d = to_double(v);
          std::uint64_t bits;
          std::memcpy(&bits, &d, 8);
          body.u8(kFlt8);
          body.u8(0);
          body.u64le(bits);
          break;
        }
        case SqlType::VarBinary: {
          Bytes b = to_bytes(v);
          if (b.size() > 8000) throw std::invalid_argument("a sql_variant holds at most 8000 bytes");
          body.u8(kBigVarBinary);
          body.u8(2);
          body.u16le(8000);
          body.bytes(b);
          break;
        }
        case SqlType::DateTime2:
          if (f.tds_version >= 0x730A0003) {
            ColumnFormat dt;
            dt.kind = Kind::DateTime2;
            ByteWriter inner;
            write_value(inner, dt, v);  // u8 length 8, then the 8 bytes
            body.u8(kDateTime2N);
            body.u8(1);
            body.u8(7);  // scale
            body.bytes(inner.buffer().data() + 1, inner.buffer().size() - 1);
            break;
          }
          [[fallthrough]];
        default: {
          std::string text = v.type() == SqlType::DateTime2 ? datetime_text(v.as_datetime()) : to_text(v);
          Bytes u = utf8_to_utf16le(text);
          if (u.size() > 8000) throw std::invalid_argument("a sql_variant holds at most 4000 characters");
          body.u8(kNVarChar);
          body.u8(7);
          body.u16le(8000);
          for (auto b : f.collation.bytes) body.u8(b);
          body.bytes(u);
          break;
        }
      }
      w.u32le(static_cast<std::uint32_t>(body.size()));
      w.bytes(body.buffer());
      return;
    }
    case Kind::IntN: {
      if (null) return w.u8(0);
      std::int64_t x = to_int64(v);
      if (f.length == 4) {
        if (x < std::numeric_limits<std::int32_t>::min() || x > std::numeric_limits<std::int32_t>::max())
          throw std::invalid_argument("value " + std::to_string(x) + " does not fit an int column");
        w.u8(4);
        w.i32le(static_cast<std::int32_t>(x));
      } else {
        w.u8(8);
        w.u64le(static_cast<std::uint64_t>(x));
      }
      return;
    }
    case Kind::BitN:
      if (null) return w.u8(0);
      w.u8(1);
      w.u8(to_int64(v) != 0 ? 1 : 0);
      return;
    case Kind::FltN: {
      if (null) return w.u8(0);
      double d = to_double(v);
      std::uint64_t bits;
      std::memcpy(&bits, &d, 8);
      w.u8(8);
      w.u64le(bits);
      return;
    }
    case Kind::DateTime2: {
      if (null) return w.u8(0);
      SqlDateTime dt = to_datetime(v);
      std::uint64_t ticks = ((std::uint64_t(dt.hour) * 60 + dt.minute) * 60 + dt.second) * 10000000ULL +
                            static_cast<std::uint64_t>(dt.nanosecond) / 100;
      std::int64_t days = days_since_0001(dt.year, dt.month, dt.day);
      if (days < 0) throw std::invalid_argument("date before 0001-01-01");
      w.u8(8);
      for (int i = 0; i < 5; ++i) w.u8(static_cast<std::uint8_t>(ticks >> (8 * i)));
      for (int i = 0; i < 3; ++i) w.u8(static_cast<std::uint8_t>(static_cast<std::uint64_t>(days) >> (8 * i)));
      return;
    }
    case Kind::NVarChar: {
      if (null) return w.u16le(0xFFFF);
      std::string text = f.datetime_as_text && v.type() == SqlType::DateTime2 ? datetime_text(v.as_datetime()) : to_text(v);
      Bytes u = utf8_to_utf16le(text);
      if (u.size() > f.length) u.resize(f.length & ~1u);
      w.u16le(static_cast<std::uint16_t>(u.size()));
      w.bytes(u);
      return;
    }
    case Kind::VarBinary: {
      if (null) return w.u16le(0xFFFF);
      Bytes b = to_bytes(v);
      if (b.size() > f.length) b.resize(f.length);
      w.u16le(static_cast<std::uint16_t>(b.size()));
      w.bytes(b);
      return;
    }
    case Kind::NVarCharMax:
    case Kind::VarBinaryMax: {
      if (null) return w.u64le(~std::uint64_t(0));
      Bytes b = f.kind == Kind::NVarCharMax ? utf8_to_utf16le(to_text(v)) : to_bytes(v);
      write_plp(w, b.data(), b.size());
      return;
    }
    case Kind::NText:
    case Kind::Image: {
      if (null) return w.u8(0);
      Bytes b = f.kind == Kind::NText ? utf8_to_utf16le(to_text(v)) : to_bytes(v);
      write_text_pointer_value(w, b.data(), b.size());
      return;
    }
  }
}

}  // namespace milink::emulator::tds
