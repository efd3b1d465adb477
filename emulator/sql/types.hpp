//===- emulator/sql/types.hpp - T-SQL types and values -----------*- C++ -*-===//
///
/// \file
/// The T-SQL types the engine evaluates (declared types of variables,
/// catalog columns, literals), values tagged with their type (Datum), and
/// SQL Server's conversion, comparison and precedence rules for them.
/// Values travel as milink::sdk::SqlValue: every character type is UTF-8
/// text, tinyint/smallint/int are Int, datetime is DateTime2,
/// uniqueidentifier is its display text.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "engine/engine.hpp"

#include <milink/sdk/sql.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace milink::emulator::sql {

using milink::sdk::SqlDateTime;
using milink::sdk::SqlValue;

enum class BaseType {
  Null,  ///< the type of a bare NULL literal
  Bit,
  TinyInt,
  SmallInt,
  Int,
  BigInt,
  Numeric,  ///< numeric(p,0) catalog columns (LSNs, sizes); held as BigInt
  Float,
  Char,
  VarChar,
  NChar,
  NVarChar,
  Binary,
  VarBinary,
  DateTime,
  DateTime2,
  UniqueIdentifier,
  SqlVariant,
};

struct TypeSpec {
  BaseType base = BaseType::Null;
  /// Characters or bytes; -1 for (max); 0 when not given (DECLARE: 1,
  /// CAST: 30, see resolve_default_length).
  int length = 0;
  int precision = 0;  ///< numeric

  static TypeSpec of(BaseType b, int length = 0) {
    TypeSpec t;
    t.base = b;
    t.length = length;
    return t;
  }
  /// Parses a type name as the catalog definitions and DECLARE spell it:
  /// "int", "nvarchar(60)", "nvarchar(max)", "sysname", "varbinary(85)",
  /// "numeric(25,0)", "datetime", ... nullopt for an unknown type.
  static std::optional<TypeSpec> parse(std::string_view text);
  /// Maps a base type name ("NVARCHAR", "sysname", ...) to a type without
  /// length; nullopt when unknown.
  static std::optional<TypeSpec> from_name(std::string_view name);

  bool is_null_type() const { return base == BaseType::Null; }
  bool is_string() const;
  bool is_unicode() const { return base == BaseType::NChar || base == BaseType::NVarChar; }
  bool is_binary() const { return base == BaseType::Binary || base == BaseType::VarBinary; }
  bool is_integer() const;  ///< bit, tinyint, smallint, int, bigint, numeric
  bool is_numeric() const { return is_integer() || base == BaseType::Float; }
  bool is_datetime() const { return base == BaseType::DateTime || base == BaseType::DateTime2; }
  bool has_length() const { return is_string() || is_binary(); }

  /// "nvarchar(max)", "int", "varchar(30)".
  std::string name() const;
  /// "nvarchar", "int": the spelling in conversion error messages.
  std::string base_name() const;
  /// How the TDS layer describes a column of this type.
  Column to_column(const std::string& column_name, bool nullable = true) const;
};

/// DECLARE @v varchar means varchar(1); CAST(x AS varchar) means varchar(30).
TypeSpec resolve_default_length(TypeSpec t, bool in_cast);

/// A value with its T-SQL type.
struct Datum {
  SqlValue value;
  TypeSpec type;

  bool is_null() const { return value.is_null(); }
  static Datum null(TypeSpec t = {}) { return Datum{SqlValue::null(sql_type_of(t.base)), t}; }
  static Datum integer(std::int64_t v);  ///< int (bigint when out of int range)
  static Datum bigint(std::int64_t v);
  static Datum small(std::int64_t v, BaseType b);  ///< tinyint/smallint/int column values
  static Datum bit(bool v);
  static Datum floating(double v);
  static Datum nvarchar(std::string v, int length = -2);  ///< -2: length of the value
  static Datum varchar(std::string v, int length = -2);
  static Datum varbinary(std::vector<std::uint8_t> v, int length = -2);
  static Datum datetime2(const SqlDateTime& t);
  static Datum datetime(const SqlDateTime& t);
  static Datum guid(std::string v);
  static Datum numeric(std::int64_t v, int precision);
  static milink::sdk::SqlType sql_type_of(BaseType b);
};

/// Converts \p d to \p target following SQL Server's rules (string to number
/// parsing, truncation to the target length, styles 0/1/2 for binary and
/// character conversions, 121/126/127 for dates). \p explicit_cast is true
/// for CAST/CONVERT (some conversions are only allowed explicitly).
/// Throws SqlError (245, 241, 8115, 529, 206, 8169).
Datum convert(const Datum& d, const TypeSpec& target, bool explicit_cast, int style = 0);

/// The type both operands convert to for a comparison or arithmetic
/// (higher data type precedence wins).
TypeSpec common_type(const TypeSpec& a, const TypeSpec& b);
int type_precedence(BaseType b);

/// Three-way comparison of two non-NULL values (after implicit conversion);
/// strings compare under the collation (\p ci), ignoring trailing blanks.
int compare(const Datum& a, const Datum& b, bool ci);

/// a + b (string concatenation or addition), a - b, a * b, a / b, a % b.
Datum arithmetic(const std::string& op, const Datum& a, const Datum& b);

/// The type of the value inside a sql_variant (the type itself otherwise).
TypeSpec underlying_type(const Datum& d);
Datum unwrap_variant(const Datum& d);

/// The value as text (for PRINT, string conversion and messages).
std::string to_text(const Datum& d);

}  // namespace milink::emulator::sql
