//===- workflow/diagnostics.hpp - Located, actionable errors ----*- C++ -*-===//
#pragma once

#include <milink/sdk/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace milink::workflow {

/// One problem in an input file: where, what, and what to do.
struct Diagnostic {
  std::string file;
  std::string pointer;  ///< JSON pointer, "" for the whole document
  milink::sdk::SourceLocation location;
  std::string message;
  std::string hint;  ///< e.g. `did you mean "certificate"?`; may be empty

  /// "file:line:col: /pointer: message (hint)"
  std::string format() const;
};

/// Collects diagnostics for one file; knows its source map.
class Diagnostics {
public:
  Diagnostics(std::string file, const milink::sdk::SourceMap* map) : file_(std::move(file)), map_(map) {}

  void error(const std::string& pointer, std::string message, std::string hint = {});
  bool empty() const noexcept { return list_.empty(); }
  const std::vector<Diagnostic>& list() const noexcept { return list_; }
  void append(const std::vector<Diagnostic>& more) { list_.insert(list_.end(), more.begin(), more.end()); }
  const std::string& file() const noexcept { return file_; }

private:
  std::string file_;
  const milink::sdk::SourceMap* map_;
  std::vector<Diagnostic> list_;
};

/// Thrown when input is invalid; carries every diagnostic found.
class InvalidInput : public std::runtime_error {
public:
  explicit InvalidInput(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace milink::workflow
