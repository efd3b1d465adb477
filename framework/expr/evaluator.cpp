//===- expr/evaluator.cpp - Expression::evaluate and truthy ---------------===//
///
/// \file
/// Walks the tree. Every access remembers the path it read ("steps.cert.
/// outputs.name") so that errors say what was missing, and every Unknown
/// operand turns the result into an Unknown describing the sub-expression.
///
//===----------------------------------------------------------------------===//

#include "ast.hpp"
#include "expression.hpp"
#include "functions.hpp"
#include "values.hpp"

namespace milink::expr {

using milink::sdk::Kind;
using milink::sdk::Value;

namespace {

/// A value and how to name it in messages: the access path for names,
/// members and indexes, the source text for anything else.
struct Result {
  Value value;
  std::string path;
};

std::string elements(std::size_t n) { return std::to_string(n) + (n == 1 ? " element" : " elements"); }

class Evaluator {
public:
  Evaluator(const std::string& text, const Scope& scope) : text_(text), scope_(scope) {}

  Result eval(const Node& n) const {
    switch (n.kind) {
      case NodeKind::Literal: return {n.value, source(n)};
      case NodeKind::Name: return name(n);
      case NodeKind::Member: return member(n);
      case NodeKind::Index: return index(n);
      case NodeKind::Call: return call(n);
      case NodeKind::Not: {
        const Value v = eval(*n.children[0]).value;
        if (v.is_unknown()) return unknown(n);
        return {Value(!truthy(v)), source(n)};
      }
      case NodeKind::Binary: return binary(n);
    }
    return {Value(), source(n)};
  }

private:
  std::string source(const Node& n) const { return text_.substr(n.begin, n.end - n.begin); }
  Result unknown(const Node& n) const { return {Value::unknown(source(n)), source(n)}; }

  Result name(const Node& n) const {
    if (const Value* v = scope_.find(n.name)) return {*v, n.name};
    std::string msg = "unknown name '" + n.name + "'; ";
    if (scope_.empty()) {
      msg += "nothing is available here";
    } else {
      msg += "available: ";
      bool first = true;
      for (const auto& m : scope_) {
        if (!first) msg += ", ";
        first = false;
        msg += m.first;
      }
    }
    if (find_function(n.name) != nullptr) msg += " (" + n.name + " is a function: call it as " + n.name + "(...))";
    throw ExprError(msg, n.pos);
  }

  /// config.settings is a free-form bag of optional values: a key that is
  /// not set there reads as null instead of failing.
  static bool optional_path(const std::string& path) {
    return path == "config.settings" || path.rfind("config.settings.", 0) == 0 || path.rfind("config.settings[", 0) == 0;
  }

  Result member(const Node& n) const {
    const Result base = eval(*n.children[0]);
    const std::string path = path_member(base.path, n.name);
    if (base.value.is_unknown()) return {Value::unknown(path_member(base.value.as_string(), n.name)), path};
    if (base.value.is_null() && optional_path(base.path)) return {Value(), path};
    if (!base.value.is_object()) {
      throw ExprError(base.path + " is " + a_kind(base.value.kind()) + ", not an object", n.pos);
    }
    const Value* v = base.value.as_object().find(n.name);
    if (v == nullptr) {
      if (optional_path(path)) return {Value(), path};
      throw ExprError(path + " is not set", n.pos);
    }
    return {*v, path};
  }

  Result index(const Node& n) const {
    const Result base = eval(*n.children[0]);
    const Value key = eval(*n.children[1]).value;
    if (key.is_unknown()) return unknown(n);
    if (!key.is_string() && !key.is_int()) {
      throw ExprError("an index must be a string or an integer, got " + a_kind(key.kind()), n.pos);
    }
    const std::string path = key.is_string() ? path_member(base.path, key.as_string())
                                             : path_index(base.path, key.as_int());
    const Value& b = base.value;
    if (b.is_unknown()) {
      const std::string& what = b.as_string();
      return {Value::unknown(key.is_string() ? path_member(what, key.as_string()) : path_index(what, key.as_int())),
              path};
    }
    if (b.is_null() && optional_path(base.path)) return {Value(), path};
    if (b.is_object()) {
      if (!key.is_string()) {
        throw ExprError(base.path + " is an object; index it with a string key, not " + a_kind(key.kind()), n.pos);
      }
      const Value* v = b.as_object().find(key.as_string());
      if (v == nullptr) {
        if (optional_path(path)) return {Value(), path};
        throw ExprError(path + " is not set", n.pos);
      }
      return {*v, path};
    }
    if (b.is_array()) {
      if (!key.is_int()) {
        throw ExprError(base.path + " is an array; index it with an integer, not " + a_kind(key.kind()), n.pos);
      }
      const auto& a = b.as_array();
      const std::int64_t i = key.as_int();
      if (i < 0 || static_cast<std::uint64_t>(i) >= a.size()) {
        throw ExprError(path + " is out of range: " + base.path + " has " + elements(a.size()), n.pos);
      }
      return {a[static_cast<std::size_t>(i)], path};
    }
    throw ExprError(base.path + " is " + a_kind(b.kind()) + ", not an array or an object", n.pos);
  }

  Result call(const Node& n) const {
    std::vector<Value> args;
    args.reserve(n.children.size());
    bool unknown_arg = false;
    for (const NodePtr& c : n.children) {
      args.push_back(eval(*c).value);
      unknown_arg = unknown_arg || args.back().is_unknown();
    }
    if (unknown_arg) return unknown(n);
    // The parser let only known functions with the right arity through.
    const FunctionInfo* f = find_function(n.name);
    return {call_function(*f, args, n.pos, source(n)), source(n)};
  }

  Result binary(const Node& n) const {
    const Value lhs = eval(*n.children[0]).value;
    if (n.op == BinaryOp::Or || n.op == BinaryOp::And) {
      if (lhs.is_unknown()) return unknown(n);
      // Both return an operand: a || b is a when a is truthy, else b.
      const bool decided = truthy(lhs) == (n.op == BinaryOp::Or);
      if (decided) return {lhs, source(n)};
      return {eval(*n.children[1]).value, source(n)};
    }
    const Value rhs = eval(*n.children[1]).value;
    if (n.op == BinaryOp::Eq || n.op == BinaryOp::Ne) {
      if (has_unknown(lhs) || has_unknown(rhs)) return unknown(n);
      return {Value((lhs == rhs) == (n.op == BinaryOp::Eq)), source(n)};
    }
    if (lhs.is_unknown() || rhs.is_unknown()) return unknown(n);
    int cmp = 0;  // <0, 0, >0 like strcmp
    if (lhs.is_number() && rhs.is_number()) {
      if (lhs.is_int() && rhs.is_int()) {
        cmp = lhs.as_int() < rhs.as_int() ? -1 : lhs.as_int() > rhs.as_int() ? 1 : 0;
      } else {
        const double a = lhs.as_double(), b = rhs.as_double();
        if (a != a || b != b) return {Value(false), source(n)};  // NaN orders with nothing
        cmp = a < b ? -1 : a > b ? 1 : 0;
      }
    } else if (lhs.is_string() && rhs.is_string()) {
      cmp = lhs.as_string().compare(rhs.as_string());
    } else {
      throw ExprError(std::string("cannot compare ") + milink::sdk::kind_name(lhs.kind()) + " with " +
                          milink::sdk::kind_name(rhs.kind()),
                      n.pos);
    }
    bool r = false;
    switch (n.op) {
      case BinaryOp::Lt: r = cmp < 0; break;
      case BinaryOp::Le: r = cmp <= 0; break;
      case BinaryOp::Gt: r = cmp > 0; break;
      case BinaryOp::Ge: r = cmp >= 0; break;
      default: break;
    }
    return {Value(r), source(n)};
  }

  const std::string& text_;
  const Scope& scope_;
};

}  // namespace

Value Expression::evaluate(const Scope& scope) const {
  if (!root_) throw ExprError("empty expression", 0);
  return Evaluator(text_, scope).eval(*root_).value;
}

bool truthy(const Value& v) {
  switch (v.kind()) {
    case Kind::Null: return false;
    case Kind::Bool: return v.as_bool();
    case Kind::Int: return v.as_int() != 0;
    case Kind::Double: return v.as_double() != 0.0 && v.as_double() == v.as_double();  // NaN is falsy
    case Kind::String: return !v.as_string().empty();
    case Kind::Array:
    case Kind::Object: return true;
    case Kind::Unknown:
      throw ExprError(v.as_string() + " is only known at run time", 0);
  }
  return false;
}

}  // namespace milink::expr
