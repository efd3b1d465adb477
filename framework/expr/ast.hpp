//===- expr/ast.hpp - Expression syntax tree (private) ----------*- C++ -*-===//
///
/// \file
/// The tree Expression::parse builds and Expression::evaluate walks. Private
/// to framework/expr: nothing outside this folder includes it.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/value.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace milink::expr {

enum class NodeKind {
  Literal,  ///< value
  Name,     ///< name: a root looked up in the Scope
  Member,   ///< children[0].name
  Index,    ///< children[0][children[1]]
  Call,     ///< name(children...)
  Not,      ///< !children[0]
  Binary,   ///< children[0] op children[1]
};

enum class BinaryOp { Or, And, Eq, Ne, Lt, Le, Gt, Ge };

/// The operator as written, e.g. "&&".
const char* binary_op_text(BinaryOp op) noexcept;

class Node;
using NodePtr = std::shared_ptr<const Node>;

class Node {
public:
  NodeKind kind = NodeKind::Literal;
  /// Span [begin, end) of the whole sub-expression in the expression text,
  /// parentheses included; the text of an Unknown it produces.
  std::size_t begin = 0;
  std::size_t end = 0;
  /// Where errors about this node point: the name of a Name, Member or Call,
  /// the operator of Not and Binary, the '[' of an Index, a literal's start.
  std::size_t pos = 0;
  milink::sdk::Value value;  ///< Literal
  std::string name;          ///< Name, Member (the property), Call (the function)
  BinaryOp op = BinaryOp::Or;
  std::vector<NodePtr> children;
  /// Levels of this sub-tree (1 for a leaf); the parser bounds it so that
  /// the recursive evaluator, walkers and destructor cannot exhaust the stack.
  int height = 1;
};

}  // namespace milink::expr
