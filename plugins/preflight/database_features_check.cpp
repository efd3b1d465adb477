// The database features the link cannot carry. Azure refuses them only
// when the link is created, after the AG and DAG exist
// (ManagedInstanceLinkSourceDbHasFilestream, ...HasMultipleLogFiles,
// ...HasHekatonFile, ...TdeCertificateMissing), so preflight reads them
// from the database's own catalog first:
//   sys.database_files   type 1 LOG (exactly one), type 2 containers
//   sys.filegroups       FD FILESTREAM (not allowed), FX memory-optimized
//                        (must be empty on General Purpose)
//   sys.dm_database_encryption_keys  TDE: the certificate that protects the
//                        key must be on the managed instance (thumbprint).
#include "checks.hpp"
#include "sql_values.hpp"

#include <milink/link/results.hpp>
#include <milink/sdk/quote.hpp>

namespace milink::preflight {

namespace {

using milink::sdk::SqlValue;

const char* kPermissionRemedy = "milink needs a sysadmin login on SQL Server for the link";

const char* kEncryptionSql =
    "SELECT k.encryption_state, k.encryptor_type, k.encryptor_thumbprint, c.name AS certificate_name\n"
    "FROM sys.dm_database_encryption_keys AS k\n"
    "LEFT JOIN master.sys.certificates AS c ON c.thumbprint = k.encryptor_thumbprint\n"
    "WHERE k.database_id = DB_ID(?)";

const char* kInstanceCertificateSql = "SELECT name FROM master.sys.certificates WHERE thumbprint = ?";

void check_files(Report& report, milink::sdk::Sql& sql, const std::string& q) {
  const std::string check = "log_files " + q;
  report.guarded(check, kPermissionRemedy, [&] {
    milink::sdk::SqlResultSet set =
        sql.query("SELECT COUNT(*) AS n FROM " + q + ".sys.database_files WHERE type = 1");
    const std::int64_t logs = set.rows.empty() ? 0 : int_of(set.at(0, "n")).value_or(0);
    if (logs <= 1) {
      report.pass(check, q + " has one log file");
      return;
    }
    report.fail(check,
                q + " has " + std::to_string(logs) +
                    " log files; the link replicates a database with a single log file only "
                    "(ManagedInstanceLinkSourceDbHasMultipleLogFiles)",
                "empty and remove the extra log files (DBCC SHRINKFILE (<file>, EMPTYFILE) after a log backup, then "
                "ALTER DATABASE " + q + " REMOVE FILE <file>; the names are in " + q + ".sys.database_files)");
  });
}

/// The service tier when the ARM check did not read it ("" when unknown).
std::string read_tier(Report& report, const Config& cfg) {
  if (!cfg.check_arm) return "";
  try {
    milink::sdk::Arm arm = report.ctx().arm();
    auto r = arm.get(arm.coordinates().instance_path(), cfg.api_version);
    const milink::sdk::Value* sku = r.body.get("sku");
    const milink::sdk::Value* tier = sku ? sku->get("tier") : nullptr;
    return tier && tier->is_string() ? tier->as_string() : std::string();
  } catch (const std::exception&) {
    return "";  // the arm check reports what is wrong with ARM
  }
}

void check_filegroups(Report& report, const Config& cfg, milink::sdk::Sql& sql, const std::string& q,
                      const InstanceFacts& instance) {
  const std::string fs_check = "filestream " + q, mo_check = "memory_optimized " + q;
  milink::sdk::SqlResultSet set;
  bool read = false;
  report.guarded(fs_check, kPermissionRemedy, [&] {
    set = sql.query("SELECT name, type FROM " + q + ".sys.filegroups WHERE type IN ('FD', 'FX')");
    read = true;
  });
  if (!read) return;
  std::string filestream, memory_optimized;
  for (std::size_t i = 0; i < set.rows.size(); ++i) {
    const std::string name = milink::sdk::tsql::quote_identifier(text_of(set.at(i, "name")));
    std::string& list = text_of(set.at(i, "type")) == "FD" ? filestream : memory_optimized;
    list += (list.empty() ? "" : ", ") + name;
  }
  if (filestream.empty())
    report.pass(fs_check, q + " uses no FILESTREAM");
  else
    report.fail(fs_check,
                q + " has the FILESTREAM filegroup " + filestream +
                    "; the link cannot replicate FILESTREAM or FileTables (ManagedInstanceLinkSourceDbHasFilestream)",
                "move the FILESTREAM data (and FileTables) out of the database and remove the filegroup, or migrate "
                "the database another way");
  if (memory_optimized.empty()) {
    report.pass(mo_check, q + " has no memory-optimized filegroup");
    return;
  }
  const std::string tier = !instance.tier.empty() ? instance.tier : read_tier(report, cfg);
  const std::string has = q + " has the memory-optimized (In-Memory OLTP) filegroup " + memory_optimized;
  if (milink::link::iequals(tier, "BusinessCritical")) {
    report.pass(mo_check, has + "; the managed instance is Business Critical, which supports it");
    return;
  }
  const std::string remedy =
      "empty the memory-optimized filegroup on SQL Server (move or drop its memory-optimized tables), or use a "
      "Business Critical managed instance";
  if (tier.empty())
    report.warn(mo_check, has + "; it must be empty unless the managed instance is Business Critical (its tier "
                                "could not be read)",
                remedy);
  else
    report.fail(mo_check,
                has + "; on a " + tier + " managed instance it must be empty (ManagedInstanceLinkSourceDbHasHekatonFile)",
                remedy);
}

void check_tde(Report& report, const Config& cfg, milink::sdk::Sql& sql, const std::string& db, const std::string& q) {
  const std::string check = "tde " + q;
  report.guarded(check, kPermissionRemedy, [&] {
    milink::sdk::SqlResultSet set = sql.query(kEncryptionSql, {SqlValue::nvarchar(db)});
    if (set.rows.empty()) {
      report.pass(check, q + " is not encrypted with TDE");
      return;
    }
    const milink::sdk::SqlValue& thumbprint = set.at(0, "encryptor_thumbprint");
    const std::string cert = text_of(set.at(0, "certificate_name"));
    const std::string cert_q = cert.empty() ? std::string("its certificate") : milink::sdk::tsql::quote_identifier(cert);
    const std::string remedy =
        "back up " + cert_q + " with its private key on SQL Server (BACKUP CERTIFICATE ... WITH PRIVATE KEY) and "
        "upload it to the managed instance (Add-AzSqlManagedInstanceTransparentDataEncryptionCertificate, or a "
        "customer-managed key in Azure Key Vault) before linking";
    if (thumbprint.is_null() || text_of(set.at(0, "encryptor_type")) != "CERTIFICATE") {
      report.fail(check, q + " is encrypted with TDE by a key that is not a certificate in master",
                  "make the managed instance able to decrypt it: " + remedy);
      return;
    }
    std::optional<milink::sdk::Sql> mi = connect(report, check, cfg.mi_target);
    if (!mi) return;
    milink::sdk::SqlResultSet found = mi->query(kInstanceCertificateSql, {thumbprint});
    if (!found.rows.empty()) {
      report.pass(check, q + " is encrypted with TDE by " + cert_q + ", which the managed instance has");
      return;
    }
    report.fail(check,
                q + " is encrypted with TDE by " + cert_q +
                    ", which the managed instance does not have (ManagedInstanceLinkTdeCertificateMissing)",
                remedy);
  });
}

}  // namespace

void check_database_features(Report& report, const Config& cfg, milink::sdk::Sql& sql, const std::string& db,
                             const std::string& q, const InstanceFacts& instance) {
  check_files(report, sql, q);
  check_filegroups(report, cfg, sql, q, instance);
  check_tde(report, cfg, sql, db, q);
}

}  // namespace milink::preflight
