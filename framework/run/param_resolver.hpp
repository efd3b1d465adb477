//===- run/param_resolver.hpp - `with` templates -> typed values -*- C++ -*-===//
#pragma once

#include "expr/expression.hpp"
#include "run/redactor.hpp"

#include <milink/sdk/spec.hpp>

#include <functional>
#include <string>

namespace milink::run {

/// \p v with every string replaced by \p f(string), at any depth of arrays
/// and objects; other values as they are.
milink::sdk::Value map_strings(const milink::sdk::Value& v,
                               const std::function<milink::sdk::Value(const std::string&)>& f);

/// Evaluates every ${{ }} inside \p v (deeply); single expressions keep
/// their JSON type. Throws expr::ExprError.
milink::sdk::Value evaluate_deep(const milink::sdk::Value& v, const milink::expr::Scope& scope);

/// Whether any ${{ }} inside \p v reads a value that is only known at run
/// time (Value::unknown). Text that mixes such a value with literal parts
/// evaluates to a plain string with a placeholder, so the result alone
/// cannot tell.
bool depends_on_unknown(const milink::sdk::Value& v, const milink::expr::Scope& scope);

/// Builds the parameter object a step or provider receives: evaluated
/// values, defaults applied, types and choices checked. Secret parameter
/// values are registered with \p redactor before anything can print them.
/// On failure returns false and sets \p field and \p error.
bool resolve_params(const milink::sdk::Object& with, const std::vector<milink::sdk::ParamSpec>& specs,
                    const milink::expr::Scope& scope, Redactor& redactor, milink::sdk::Object& out,
                    std::string& field, std::string& error);

}  // namespace milink::run
