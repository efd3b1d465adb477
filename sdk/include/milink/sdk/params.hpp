//===- milink/sdk/params.hpp - Typed access to a step's `with` --*- C++ -*-===//
///
/// \file
/// \c Params is what a step's configure() reads to build its typed config.
/// By the time a step sees it, milink has already checked required
/// parameters, applied defaults, evaluated expressions and checked types
/// against the spec, so the getters fail only for plugin bugs or for the
/// step's own semantic checks (raised as ConfigError).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/value.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace milink::sdk {

/// Thrown by configure() (and by Params getters) for a bad parameter value.
/// \c field names the parameter, so milink can point at
/// `/steps/N/with/<field>` in the workflow file.
class ConfigError : public std::runtime_error {
public:
  ConfigError(std::string field, const std::string& message)
      : std::runtime_error(message), field_(std::move(field)) {}
  const std::string& field() const noexcept { return field_; }

private:
  std::string field_;
};

class Params {
public:
  explicit Params(Object values) : values_(std::move(values)) {}

  bool has(const std::string& name) const;
  const Value& value(const std::string& name) const;
  std::string string(const std::string& name) const;
  std::int64_t integer(const std::string& name) const;
  double number(const std::string& name) const;
  bool boolean(const std::string& name) const;
  std::vector<std::string> strings(const std::string& name) const;
  std::optional<std::string> optional_string(const std::string& name) const;
  std::optional<std::int64_t> optional_integer(const std::string& name) const;
  const Object& all() const noexcept { return values_; }

private:
  Object values_;
};

}  // namespace milink::sdk
