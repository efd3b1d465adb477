#include "engine/type_info.hpp"

#include <optional>

namespace milink::emulator {

namespace {

struct TypeRow {
  const char* type_name;
  int data_type;
  int precision;
  const char* literal_prefix;  // nullptr = NULL
  const char* literal_suffix;
  const char* create_params;
  int nullable, case_sensitive, searchable;
  std::optional<int> unsigned_attribute;
  int money;
  std::optional<int> auto_increment;
  const char* local_type_name;
  std::optional<int> minimum_scale, maximum_scale;
  int sql_data_type;
  std::optional<int> sql_datetime_sub, num_prec_radix, interval_precision;
  int usertype;
};

constexpr auto N = std::nullopt;

const TypeRow kRows[] = {
    {"uniqueidentifier", -11, 36, "'", "'", nullptr, 1, 0, 2, N, 0, N, "uniqueidentifier", N, N, -11, N, N, N, 0},
    {"ntext", -10, 1073741823, "N'", "'", nullptr, 1, 0, 1, N, 0, N, "ntext", N, N, -10, N, N, N, 0},
    {"nvarchar", -9, 4000, "N'", "'", "max length", 1, 0, 3, N, 0, N, "nvarchar", N, N, -9, N, N, N, 0},
    {"nchar", -8, 4000, "N'", "'", "length", 1, 0, 3, N, 0, N, "nchar", N, N, -8, N, N, N, 0},
    {"bit", -7, 1, nullptr, nullptr, nullptr, 1, 0, 2, N, 0, N, "bit", 0, 0, -7, N, N, N, 16},
    {"tinyint", -6, 3, nullptr, nullptr, nullptr, 1, 0, 2, 1, 0, 0, "tinyint", 0, 0, -6, N, 10, N, 5},
    {"bigint", -5, 19, nullptr, nullptr, nullptr, 1, 0, 2, 0, 0, 0, "bigint", 0, 0, -5, N, 10, N, 0},
    {"image", -4, 2147483647, "0x", nullptr, nullptr, 1, 0, 0, N, 0, N, "image", N, N, -4, N, N, N, 20},
    {"varbinary", -3, 8000, "0x", nullptr, "max length", 1, 0, 2, N, 0, N, "varbinary", N, N, -3, N, N, N, 4},
    {"binary", -2, 8000, "0x", nullptr, "length", 1, 0, 2, N, 0, N, "binary", N, N, -2, N, N, N, 3},
    {"text", -1, 2147483647, "'", "'", nullptr, 1, 0, 1, N, 0, N, "text", N, N, -1, N, N, N, 19},
    {"char", 1, 8000, "'", "'", "length", 1, 0, 3, N, 0, N, "char", N, N, 1, N, N, N, 1},
    {"numeric", 2, 38, nullptr, nullptr, "precision,scale", 1, 0, 2, 0, 0, 0, "numeric", 0, 38, 2, N, 10, N, 10},
    {"decimal", 3, 38, nullptr, nullptr, "precision,scale", 1, 0, 2, 0, 0, 0, "decimal", 0, 38, 3, N, 10, N, 24},
    {"int", 4, 10, nullptr, nullptr, nullptr, 1, 0, 2, 0, 0, 0, "int", 0, 0, 4, N, 10, N, 7},
    {"smallint", 5, 5, nullptr, nullptr, nullptr, 1, 0, 2, 0, 0, 0, "smallint", 0, 0, 5, N, 10, N, 6},
    {"float", 6, 53, nullptr, nullptr, nullptr, 1, 0, 2, 0, 0, 0, "float", N, N, 6, N, 2, N, 8},
    {"real", 7, 24, nullptr, nullptr, nullptr, 1, 0, 2, 0, 0, 0, "real", N, N, 7, N, 2, N, 23},
    {"varchar", 12, 8000, "'", "'", "max length", 1, 0, 3, N, 0, N, "varchar", N, N, 12, N, N, N, 2},
    {"date", 91, 10, "'", "'", nullptr, 1, 0, 3, N, 0, N, "date", N, 0, 9, 1, N, N, 0},
    {"time", 92, 16, "'", "'", "scale", 1, 0, 3, N, 0, N, "time", 0, 7, -154, 0, N, N, 0},
    {"datetime2", 93, 27, "'", "'", "scale", 1, 0, 3, N, 0, N, "datetime2", 0, 7, 9, 3, N, N, 0},
    {"datetime", 93, 23, "'", "'", nullptr, 1, 0, 3, N, 0, N, "datetime", 3, 3, 9, 3, N, N, 12},
};

SqlValue text(const char* s) { return s ? SqlValue::nvarchar(s) : SqlValue::null(SqlType::NVarChar); }
SqlValue num(std::optional<int> v) { return v ? SqlValue::integer(*v) : SqlValue::null(SqlType::Int); }

Column col(const char* name, SqlType type, int size = 0) {
  Column c;
  c.name = name;
  c.type = type;
  c.size = size;
  c.nullable = true;
  return c;
}

}  // namespace

ResultSet datatype_info_result() {
  ResultSet rs;
  // smallint columns are Int: SqlType has no smallint.
  rs.columns = {col("TYPE_NAME", SqlType::NVarChar, 128),   col("DATA_TYPE", SqlType::Int),
                col("PRECISION", SqlType::Int),             col("LITERAL_PREFIX", SqlType::NVarChar, 32),
                col("LITERAL_SUFFIX", SqlType::NVarChar, 32), col("CREATE_PARAMS", SqlType::NVarChar, 32),
                col("NULLABLE", SqlType::Int),              col("CASE_SENSITIVE", SqlType::Int),
                col("SEARCHABLE", SqlType::Int),            col("UNSIGNED_ATTRIBUTE", SqlType::Int),
                col("MONEY", SqlType::Int),                 col("AUTO_INCREMENT", SqlType::Int),
                col("LOCAL_TYPE_NAME", SqlType::NVarChar, 128), col("MINIMUM_SCALE", SqlType::Int),
                col("MAXIMUM_SCALE", SqlType::Int),         col("SQL_DATA_TYPE", SqlType::Int),
                col("SQL_DATETIME_SUB", SqlType::Int),      col("NUM_PREC_RADIX", SqlType::Int),
                col("INTERVAL_PRECISION", SqlType::Int),    col("USERTYPE", SqlType::Int)};
  for (const auto& r : kRows) {
    rs.rows.push_back({text(r.type_name), num(r.data_type), num(r.precision), text(r.literal_prefix),
                       text(r.literal_suffix), text(r.create_params), num(r.nullable), num(r.case_sensitive),
                       num(r.searchable), num(r.unsigned_attribute), num(r.money), num(r.auto_increment),
                       text(r.local_type_name), num(r.minimum_scale), num(r.maximum_scale), num(r.sql_data_type),
                       num(r.sql_datetime_sub), num(r.num_prec_radix), num(r.interval_precision), num(r.usertype)});
  }
  return rs;
}

}  // namespace milink::emulator
