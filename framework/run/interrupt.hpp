//===- run/interrupt.hpp - Ctrl-C stops cleanly ------------------*- C++ -*-===//
///
/// \file
/// The first SIGINT or SIGTERM sets a flag: the runner starts nothing new,
/// plugins see Services::cancelled(), running steps finish or return, and
/// the journal is closed with an "interrupted" record. The handler then
/// restores the default action, so a second Ctrl-C ends the process at
/// once; the journal stays consistent because each record is one write.
///
//===----------------------------------------------------------------------===//
#pragma once

namespace milink::run {

/// Installs the handlers (idempotent).
void install_interrupt_handlers();
/// True once an interrupt arrived (or request_interrupt() was called).
bool interrupted() noexcept;
/// For tests and embedding: behave as if Ctrl-C was pressed.
void request_interrupt() noexcept;
/// Clears the flag (tests).
void reset_interrupt() noexcept;

}  // namespace milink::run
