// SERVERPROPERTY is sql_variant on the emulator, as on a real server; milink's
// SQL service (POCO/unixODBC/FreeTDS) reads what the server sends, and the
// CAST milink's queries use gives the plain type.
#include "emulator_fixture.hpp"

TEST_CASE("milink's SQL service reads SERVERPROPERTY, cast and uncast (sql_variant)", "[emulator][tds]") {
  emutest::Running env;
  auto sql = env.open("sqlserver");
  auto r = emutest::run(*sql,
                        "SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS cast_version, "
                        "SERVERPROPERTY('ProductVersion') AS variant_version, "
                        "CAST(SERVERPROPERTY('EngineEdition') AS int) AS edition");
  const auto& row = r.sets.at(0).rows.at(0);
  const std::string version = row.at(0).as_string();
  CHECK(version.find('.') != std::string::npos);
  // FreeTDS reports the uncast column as SQL_SS_VARIANT; milink reads it as text.
  CHECK(row.at(1).as_string() == version);
  CHECK(row.at(2).as_int64() == 3);
}
