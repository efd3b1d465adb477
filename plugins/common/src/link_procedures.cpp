#include <milink/link/link_procedures.hpp>
#include <milink/link/results.hpp>

namespace milink::link {

LinkProcedures read_link_procedures(milink::sdk::Sql& sql) {
  milink::sdk::SqlResultSet set =
      sql.query("SELECT name FROM master.sys.all_objects\n"
                "WHERE name IN (N'sp_certificate_add_issuer', N'sp_get_endpoint_certificate', N'sp_multidb_milink')\n"
                "AND schema_id = 4");
  LinkProcedures p;
  for (const auto& row : set.rows) {
    if (row.empty() || row.front().is_null()) continue;
    const std::string name = row.front().as_string();
    if (iequals(name, "sp_certificate_add_issuer")) p.certificate_add_issuer = true;
    if (iequals(name, "sp_get_endpoint_certificate")) p.get_endpoint_certificate = true;
    if (iequals(name, "sp_multidb_milink")) p.multidb_milink = true;
  }
  return p;
}

}  // namespace milink::link
