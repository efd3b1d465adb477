//===- emulator/tds/protocol_error.hpp - Wire-level failures ----*- C++ -*-===//
///
/// \file
/// The two ways a connection ends abnormally: the client broke the protocol
/// (ProtocolError: answered with error 4002 when possible, counted in
/// stats().malformed) or the peer went away (ConnectionClosed: a normal end).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <stdexcept>
#include <string>

namespace milink::emulator::tds {

/// The client sent something that is not valid TDS (bad header, truncated
/// token, impossible offset, wrong message order). The text says what, for
/// diagnostics; clients only ever see error 4002.
class ProtocolError : public std::runtime_error {
public:
  explicit ProtocolError(const std::string& what) : std::runtime_error(what) {}
};

/// The peer closed the connection (EOF, ECONNRESET, EPIPE) or stop() shut it.
class ConnectionClosed : public std::runtime_error {
public:
  ConnectionClosed() : std::runtime_error("connection closed") {}
};

}  // namespace milink::emulator::tds
