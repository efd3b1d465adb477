//===- plugins/failover/failover_rules.hpp - What a failover needs -*- C++ -*-===//
///
/// \file
/// The rules the `failover` step applies before it acts, as pure functions
/// of what it read (LinkSides), so each refusal has one wording:
///  * which failovers the versions and the link's failover mode allow
///    (planned to the instance over T-SQL: SQL Server 2022 CU13 and a
///    two-way link; back to SQL Server: SQL Server 2022+ and a two-way link);
///  * whether a planned failover can go now (connected and healthy,
///    synchronous on both sides, equal last hardened LSNs);
///  * whether the old primary can step down after a forced failover;
///  * the log a forced failover loses.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "link_sides.hpp"

#include <string>

namespace milink::link {

/// The side that is to become primary.
enum class Side { Instance, SqlServer };

/// "the managed instance mi1" / "SQL Server sqlbox1".
std::string side_name(Side s, const LinkSides& l);
/// The side's role in the link is primary.
bool is_primary(Side s, const LinkSides& l);
Side other(Side s);

/// Why the versions or the link's failover mode do not allow this failover
/// at all (a sentence naming the version or mode and what to do), or "".
std::string unsupported(Side to, bool forced, const LinkSides& l);

/// Why a planned failover to \p to cannot go now (not connected, not
/// synchronous on both sides, the LSNs differ), with what to run first; ""
/// when it can.
std::string not_ready(Side to, const LinkSides& l);

/// Why \p side cannot be made secondary to end a split brain ("" when it
/// can): SQL Server older than 2022, or a one-way link, cannot be the
/// instance's secondary.
std::string cannot_demote(Side side, const LinkSides& l);

/// The log a forced failover to \p to loses: the LSN gap between the
/// current primary's and \p to's last hardened LSNs ("0" when none, "" when
/// unknown or no side is primary).
std::string lost_lsn_gap(Side to, const LinkSides& l);

}  // namespace milink::link
