//===- emulator/tds/type_codec.hpp - TYPE_INFO and values -------*- C++ -*-===//
///
/// \file
/// Both directions of TDS data types:
///  - decoding: the TYPE_INFO and value of an RPC parameter (every type
///    FreeTDS sends, tds-findings §3.2, plus the other fixed and nullable
///    scalar types), to SqlValue;
///  - encoding: the wire form of a result Column (COLMETADATA TYPE_INFO) and
///    of SqlValues in ROW/NBCROW/RETURNVALUE tokens.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "engine/engine.hpp"
#include "tds/byte_io.hpp"
#include "tds/text_codec.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace milink::emulator::tds {

namespace tds_type {
constexpr std::uint8_t kNull = 0x1F, kInt1 = 0x30, kBit = 0x32, kInt2 = 0x34, kInt4 = 0x38, kDateTim4 = 0x3A,
                       kFlt4 = 0x3B, kMoney = 0x3C, kDateTime = 0x3D, kFlt8 = 0x3E, kMoney4 = 0x7A, kInt8 = 0x7F;
constexpr std::uint8_t kGuid = 0x24, kIntN = 0x26, kDecimal = 0x37, kNumeric = 0x3F, kBitN = 0x68, kDecimalN = 0x6A,
                       kNumericN = 0x6C, kFltN = 0x6D, kMoneyN = 0x6E, kDateTimN = 0x6F, kDateN = 0x28, kTimeN = 0x29,
                       kDateTime2N = 0x2A, kDateTimeOffsetN = 0x2B;
constexpr std::uint8_t kChar = 0x2F, kVarChar = 0x27, kBinary = 0x2D, kVarBinary = 0x25;
constexpr std::uint8_t kBigVarBinary = 0xA5, kBigVarChar = 0xA7, kBigBinary = 0xAD, kBigChar = 0xAF,
                       kNVarChar = 0xE7, kNChar = 0xEF;
constexpr std::uint8_t kText = 0x23, kImage = 0x22, kNText = 0x63, kXml = 0xF1, kVariant = 0x62;
}  // namespace tds_type

/// A decoded TYPE_INFO.
struct TypeInfo {
  std::uint8_t type = 0;
  std::uint32_t max_length = 0;  ///< bytes; fixed types: their size
  bool plp = false;              ///< MAX types (u16 max length 0xFFFF) and XML
  std::uint8_t precision = 0;
  std::uint8_t scale = 0;
  bool has_collation = false;
  Collation collation;
};

/// Reads a parameter's TYPE_INFO. Throws ProtocolError for unknown or
/// unsupported types (UDT, sql_variant, TVP) and impossible sizes.
TypeInfo read_type_info(ByteReader& r);
/// Reads a value of \p type. Character data is decoded with the code page of
/// its collation (or of \p default_collation for legacy types without one).
SqlValue read_value(ByteReader& r, const TypeInfo& type, const Collation& default_collation);
/// The SqlType a parameter of this TYPE_INFO carries (for NULLs).
SqlType sql_type_of(const TypeInfo& type);
/// "0xE7" style name for diagnostics.
std::string type_name(std::uint8_t type);

/// How one result column goes on the wire.
struct ColumnFormat {
  enum class Kind { IntN, BitN, FltN, NVarChar, NVarCharMax, NText, VarBinary, VarBinaryMax, Image, DateTime2, Variant };
  Kind kind = Kind::IntN;
  std::uint16_t length = 4;  ///< IntN/FltN size; NVarChar/VarBinary max bytes
  std::string name;
  bool nullable = true;
  bool datetime_as_text = false;  ///< DateTime2 sent as NVARCHAR(27) to pre-7.3 clients
  /// Variant: the collation of character values (the server's), and the
  /// TDS version (datetime2 values become text before 7.3).
  Collation collation;
  std::uint32_t tds_version = 0;
};

/// The format for \p column, widened to MAX when a value in \p rows does not
/// fit its declared size, and downgraded for old TDS versions (MAX types
/// become NTEXT/IMAGE before 7.2, DATETIME2 becomes NVARCHAR before 7.3).
ColumnFormat column_format(const Column& column, const std::vector<std::vector<SqlValue>>& rows, std::size_t index,
                           std::uint32_t tds_version);
/// The format for a lone value (RETURNVALUE); \p hint gives the type of NULLs.
ColumnFormat value_format(const SqlValue& value, SqlType hint, bool prefer_max, std::uint32_t tds_version);

/// TYPE_INFO (plus TableName for NTEXT/IMAGE in COLMETADATA when \p in_colmetadata).
void write_type_info(ByteWriter& w, const ColumnFormat& f, const Collation& collation, std::uint32_t tds_version,
                     bool in_colmetadata);
/// A value (NULL included) in \p f's format. Throws std::invalid_argument
/// when the value cannot be converted to the column's type.
void write_value(ByteWriter& w, const ColumnFormat& f, const SqlValue& value);

/// Days between 0001-01-01 and the date (proleptic Gregorian).
std::int64_t days_since_0001(int year, int month, int day);
/// The date \p days after 0001-01-01.
void date_from_days_since_0001(std::int64_t days, int& year, int& month, int& day);

}  // namespace milink::emulator::tds
