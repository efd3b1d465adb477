//===- plugins/failover/lsn.hpp - Comparing log sequence numbers ---*- C++ -*-===//
///
/// \file
/// LSNs as the DMVs (numeric(25,0)) and ARM (a decimal string) show them.
/// The docs compare them for equality and order only (the catch-up check:
/// equal last_hardened_lsn on both sides); their difference is shown as a
/// measure of how far apart the sides are, not as a byte count.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>

namespace milink::link {

/// -1, 0 or 1 as \p a is before, equal to or after \p b (decimal digit
/// strings, leading zeros ignored); nullopt when either is empty or not a
/// decimal number.
std::optional<int> compare_lsn(const std::string& a, const std::string& b);

/// \p later minus \p earlier in decimal ("0" when equal), or "" when either
/// is not a decimal number or \p later is before \p earlier.
std::string lsn_gap(const std::string& later, const std::string& earlier);

}  // namespace milink::link
