//===- expr/expression.hpp - ${{ }} templates and expressions ---*- C++ -*-===//
///
/// \file
/// Workflow values may contain `${{ expression }}`. A value that is exactly
/// one expression keeps the expression's JSON type; text mixing literal parts
/// and expressions interpolates scalars into a string.
///
/// Expression language (GitHub Actions-like, case-sensitive):
///   literals     'single-quoted' (’’ escapes a quote), 42, 4.2, true, false, null
///   contexts     inputs.x, config.sqlserver.name, steps.<id>.outputs.<name>,
///                steps.<id>.status, <loop variable>
///   access       a.b, a['b'], a[0]
///   operators    !  ==  !=  <  <=  >  >=  &&  ||  ( )
///                (&& and || return an operand, as in Actions: a || 'default')
///   functions    contains(hay, needle), startsWith(s, p), endsWith(s, p),
///                format('{0}-{1}', a, b), join(array, sep), toJSON(v),
///                fromJSON(s), length(v), lower(s), upper(s)
///
/// Unknown values (Value::unknown, used by `milink plan`) propagate: any
/// access or operator touching one yields an Unknown describing it.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/value.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace milink::expr {

/// A syntax or evaluation error. offset() is the 0-based character offset
/// in the template or expression text where the problem is.
class ExprError : public std::runtime_error {
public:
  ExprError(const std::string& message, std::size_t offset)
      : std::runtime_error(message), offset_(offset) {}
  std::size_t offset() const noexcept { return offset_; }

private:
  std::size_t offset_;
};

/// A context path an expression reads, e.g. {"steps","cert","outputs","name"}.
/// The path stops at the first dynamic index (a[b] with b not a literal).
struct Reference {
  std::vector<std::string> path;
  std::size_t offset = 0;  ///< where the reference starts in the template text
  std::string text() const;  ///< "steps.cert.outputs.name"
};

/// The names an expression can read: each root (inputs, config, steps, the
/// loop variable) maps to a Value. Looking up a root not in the scope is an
/// evaluation error naming it.
using Scope = milink::sdk::Object;

class Node;  // expression AST (expression.cpp)

/// A parsed expression (the text between ${{ and }}, or a bare `if`).
class Expression {
public:
  /// Parses \p text; throws ExprError with the offset of the problem.
  static Expression parse(const std::string& text);
  milink::sdk::Value evaluate(const Scope& scope) const;
  std::vector<Reference> references() const;
  const std::string& text() const noexcept { return text_; }

private:
  std::string text_;
  std::shared_ptr<const Node> root_;
};

/// A string that may contain ${{ }} segments.
class Template {
public:
  /// Parses \p text. Throws ExprError (offset into \p text) for an
  /// unterminated `${{` or a bad expression inside.
  static Template parse(const std::string& text);
  /// True when \p text contains `${{`.
  static bool contains_expression(const std::string& text);

  bool is_literal() const noexcept;            ///< no expressions at all
  bool is_single_expression() const noexcept;  ///< exactly "${{ e }}" (whitespace around allowed)
  std::vector<Reference> references() const;  ///< offsets are into the template text
  /// Single expression: its value, JSON type kept. Otherwise a string with
  /// each expression's to_display() spliced in; an array or object inside
  /// mixed text is an error (use toJSON()).
  milink::sdk::Value evaluate(const Scope& scope) const;

private:
  struct Part {
    bool is_expr = false;
    std::string literal;
    std::size_t offset = 0;  ///< offset of the expression text in the template
    std::shared_ptr<Expression> expr;
  };
  std::vector<Part> parts_;
  bool single_ = false;
};

/// Truthiness, as `if` sees it: null, false, 0, "" are false; all else true.
/// Unknown is an error (ExprError) since a plan cannot decide it.
bool truthy(const milink::sdk::Value& v);

}  // namespace milink::expr
