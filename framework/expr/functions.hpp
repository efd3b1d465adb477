//===- expr/functions.hpp - Built-in functions (private) --------*- C++ -*-===//
#pragma once

#include <milink/sdk/value.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace milink::expr {

struct FunctionInfo {
  const char* name;
  std::size_t min_args;
  std::size_t max_args;  ///< SIZE_MAX: any number (format)
  const char* signature;  ///< for messages, e.g. "contains(haystack, needle)"
};

/// The built-in called \p name (case-sensitive), or nullptr.
const FunctionInfo* find_function(const std::string& name);

/// "unknown function 'x'; known functions: contains, ..." with a "did you
/// mean" when \p name differs from a built-in only in case.
std::string unknown_function_message(const std::string& name);

/// Applies built-in \p f to \p args, none of which is Unknown. \p pos is the
/// offset errors point at; \p call_text is the call as written, which
/// describes the result when an argument holds an Unknown deeper inside
/// (an array element, say) that the function would need to look at.
milink::sdk::Value call_function(const FunctionInfo& f, const std::vector<milink::sdk::Value>& args,
                                 std::size_t pos, const std::string& call_text);

}  // namespace milink::expr
