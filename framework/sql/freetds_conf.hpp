//===- sql/freetds_conf.hpp - Where FreeTDS finds the CA to verify with -*- C++ -*-===//
///
/// \file
/// FreeTDS 1.3's ODBC connection string has no key for a CA file; its
/// freetds.conf has `ca file` and `check certificate hostname`, and
/// `Servername=NAME` in the connection string reads section [NAME] of the
/// file $FREETDSCONF names. So for a target whose certificate it verifies,
/// milink writes a section of its own (host, port, TDS version, encryption,
/// `ca file` = the target's ca_file or "system", `check certificate hostname
/// = yes`) into a file in a private temporary directory, points FREETDSCONF
/// at it once per process, and connects with Servername= that section.
///
/// A FREETDSCONF the user had set is copied to the top of milink's file, so
/// its sections still apply. FreeTDS reads the file at every connection, so
/// sections added later take effect at once. The file holds no secret.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/target_settings.hpp"

#include <string>

namespace milink::sql {

/// Points FREETDSCONF at milink's file (once per process). Call before other
/// threads may use FreeTDS: SqlService's constructor does.
void prepare_freetds_conf();

/// The name of the section that verifies \p t's certificate, added to the
/// file if it is new. False with \p error (naming the config key) when the
/// host or ca_file cannot be written into freetds.conf, or the file cannot be
/// written.
bool freetds_verify_section(const TargetSettings& t, std::string& section, std::string& error);

}  // namespace milink::sql
