//===- expr/parser.cpp - Recursive-descent parser -------------------------===//
///
/// \file
/// Expression::parse. Grammar, lowest precedence first:
///
///   or       := and ('||' and)*
///   and      := equality ('&&' equality)*
///   equality := compare (('==' | '!=') compare)*
///   compare  := unary (('<' | '<=' | '>' | '>=') unary)*
///   unary    := '!' unary | postfix
///   postfix  := primary ('.' identifier | '[' or ']')*
///   primary  := literal | identifier | identifier '(' [or (',' or)*] ')'
///             | '(' or ')'
///
/// Function names and argument counts are checked here, so that `milink
/// plan` and the loader catch them without evaluating anything.
///
//===----------------------------------------------------------------------===//

#include "ast.hpp"
#include "expression.hpp"
#include "functions.hpp"
#include "lexer.hpp"

#include <cstdint>

namespace milink::expr {

const char* binary_op_text(BinaryOp op) noexcept {
  switch (op) {
    case BinaryOp::Or: return "||";
    case BinaryOp::And: return "&&";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
  }
  return "?";
}

namespace {

/// Deeper nesting than this is surely a mistake, and would otherwise risk
/// the stack of the recursive parser and evaluator.
constexpr int kMaxDepth = 64;

/// The tallest syntax tree accepted. Parentheses are bounded by kMaxDepth,
/// but a chain of operators (`a && b && ...`), accesses (`a.b.c...`) or
/// indexes builds a tree as tall as the chain is long without any nesting in
/// the parser; the evaluator and the tree's destructor would recurse that deep.
constexpr int kMaxHeight = 256;

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

class Parser {
public:
  explicit Parser(const std::string& text) : tokens_(tokenize(text)) {}

  NodePtr parse_all() {
    if (peek().kind == TokenKind::End) throw ExprError("empty expression", peek().begin);
    NodePtr root = parse_or();
    const Token& t = peek();
    if (t.kind == TokenKind::RParen) throw ExprError("unexpected ')' with no matching '('", t.begin);
    if (t.kind == TokenKind::RBracket) throw ExprError("unexpected ']' with no matching '['", t.begin);
    if (t.kind != TokenKind::End) {
      throw ExprError("unexpected " + describe_token(t) + "; expected an operator or the end of the expression",
                      t.begin);
    }
    return root;
  }

private:
  const Token& peek() const { return tokens_[i_]; }
  /// Consumes and returns the next token; the final End token is never
  /// passed, so peek() stays valid.
  const Token& take() {
    const Token& t = tokens_[i_];
    if (i_ + 1 < tokens_.size()) ++i_;
    return t;
  }
  /// End offset of the last token taken.
  std::size_t last_end() const { return i_ == 0 ? 0 : tokens_[i_ - 1].end; }

  std::shared_ptr<Node> node(NodeKind kind, std::size_t begin, std::size_t pos) {
    auto n = std::make_shared<Node>();
    n->kind = kind;
    n->begin = begin;
    n->pos = pos;
    return n;
  }

  /// Counts nesting while alive; throws past kMaxDepth.
  struct DepthGuard {
    DepthGuard(Parser& p, std::size_t at) : p_(p) {
      if (++p_.depth_ > kMaxDepth) {
        throw ExprError("expression is nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)",
                        at);
      }
    }
    ~DepthGuard() { --p_.depth_; }
    Parser& p_;
  };

  /// Sets \p n's height from its children; throws when the tree gets taller
  /// than kMaxHeight.
  NodePtr finish(std::shared_ptr<Node> n) {
    int h = 0;
    for (const NodePtr& c : n->children) h = c->height > h ? c->height : h;
    n->height = h + 1;
    if (n->height > kMaxHeight) {
      throw ExprError("expression is too deep (more than " + std::to_string(kMaxHeight) +
                          " operators, accesses or calls inside one another); split it into smaller expressions",
                      n->pos);
    }
    return n;
  }

  NodePtr binary(BinaryOp op, std::size_t begin, const Token& op_token, NodePtr lhs, NodePtr rhs) {
    auto n = node(NodeKind::Binary, begin, op_token.begin);
    n->op = op;
    n->children = {std::move(lhs), std::move(rhs)};
    n->end = last_end();
    return finish(n);
  }

  NodePtr parse_or() {
    DepthGuard guard(*this, peek().begin);
    const std::size_t begin = peek().begin;
    NodePtr lhs = parse_and();
    while (peek().kind == TokenKind::Or) {
      const Token& op = take();
      lhs = binary(BinaryOp::Or, begin, op, lhs, parse_and());
    }
    return lhs;
  }

  NodePtr parse_and() {
    const std::size_t begin = peek().begin;
    NodePtr lhs = parse_equality();
    while (peek().kind == TokenKind::And) {
      const Token& op = take();
      lhs = binary(BinaryOp::And, begin, op, lhs, parse_equality());
    }
    return lhs;
  }

  NodePtr parse_equality() {
    const std::size_t begin = peek().begin;
    NodePtr lhs = parse_compare();
    for (;;) {
      const TokenKind k = peek().kind;
      if (k != TokenKind::Eq && k != TokenKind::Ne) return lhs;
      const Token& op = take();
      lhs = binary(k == TokenKind::Eq ? BinaryOp::Eq : BinaryOp::Ne, begin, op, lhs, parse_compare());
    }
  }

  NodePtr parse_compare() {
    const std::size_t begin = peek().begin;
    NodePtr lhs = parse_unary();
    for (;;) {
      BinaryOp op;
      switch (peek().kind) {
        case TokenKind::Lt: op = BinaryOp::Lt; break;
        case TokenKind::Le: op = BinaryOp::Le; break;
        case TokenKind::Gt: op = BinaryOp::Gt; break;
        case TokenKind::Ge: op = BinaryOp::Ge; break;
        default: return lhs;
      }
      const Token& t = take();
      lhs = binary(op, begin, t, lhs, parse_unary());
    }
  }

  NodePtr parse_unary() {
    if (peek().kind != TokenKind::Not) return parse_postfix();
    DepthGuard guard(*this, peek().begin);
    const Token& bang = take();
    auto n = node(NodeKind::Not, bang.begin, bang.begin);
    n->children = {parse_unary()};
    n->end = last_end();
    return finish(n);
  }

  NodePtr parse_postfix() {
    const std::size_t begin = peek().begin;
    NodePtr base = parse_primary();
    for (;;) {
      const Token& t = peek();
      if (t.kind == TokenKind::Dot) {
        take();
        const Token& name = peek();
        if (name.kind != TokenKind::Identifier) {
          throw ExprError("expected a property name after '.', found " + describe_token(name), name.begin);
        }
        take();
        auto n = node(NodeKind::Member, begin, name.begin);
        n->name = name.text;
        n->children = {base};
        n->end = last_end();
        base = finish(n);
      } else if (t.kind == TokenKind::LBracket) {
        const Token& open = take();
        NodePtr index = parse_or();
        close(TokenKind::RBracket, open);
        auto n = node(NodeKind::Index, begin, open.begin);
        n->children = {base, index};
        n->end = last_end();
        base = finish(n);
      } else if (t.kind == TokenKind::LParen) {
        throw ExprError("unexpected '('; only the built-in functions can be called, e.g. contains(a, b)",
                        t.begin);
      } else {
        return base;
      }
    }
  }

  /// Takes the ')' or ']' closing \p open, or explains that it is missing.
  void close(TokenKind kind, const Token& open) {
    const char* want = kind == TokenKind::RParen ? "')'" : "']'";
    const Token& t = peek();
    if (t.kind == kind) {
      take();
      return;
    }
    const std::string opened = "the " + describe_token(open) + " at offset " + std::to_string(open.begin);
    if (t.kind == TokenKind::End) throw ExprError(std::string("missing ") + want + " to close " + opened, t.begin);
    throw ExprError(std::string("expected ") + want + " to close " + opened + ", found " + describe_token(t),
                    t.begin);
  }

  NodePtr parse_primary() {
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::Integer:
      case TokenKind::Decimal:
      case TokenKind::String: {
        take();
        auto n = node(NodeKind::Literal, t.begin, t.begin);
        n->value = t.value;
        n->end = t.end;
        return n;
      }
      case TokenKind::LParen: {
        const Token& open = take();
        NodePtr inner = parse_or();
        close(TokenKind::RParen, open);
        return inner;
      }
      case TokenKind::Identifier: {
        take();
        if (t.text == "true" || t.text == "false" || t.text == "null") {
          auto n = node(NodeKind::Literal, t.begin, t.begin);
          if (t.text != "null") n->value = milink::sdk::Value(t.text == "true");
          n->end = t.end;
          return n;
        }
        if (peek().kind == TokenKind::LParen) return parse_call(t);
        auto n = node(NodeKind::Name, t.begin, t.begin);
        n->name = t.text;
        n->end = t.end;
        return n;
      }
      default: break;
    }
    std::string msg = "expected a value";
    if (i_ > 0) msg += " after " + describe_token(tokens_[i_ - 1]);
    throw ExprError(msg + ", found " + describe_token(t), t.begin);
  }

  /// \p name has been taken and '(' is next.
  NodePtr parse_call(const Token& name) {
    const FunctionInfo* f = find_function(name.text);
    if (f == nullptr) throw ExprError(unknown_function_message(name.text), name.begin);
    take();  // '('
    auto n = node(NodeKind::Call, name.begin, name.begin);
    n->name = name.text;
    if (peek().kind != TokenKind::RParen) {
      for (;;) {
        n->children.push_back(parse_or());
        const Token& t = peek();
        if (t.kind == TokenKind::Comma) {
          take();
          continue;
        }
        if (t.kind == TokenKind::RParen) break;
        const std::string call = "the call to " + name.text + "() at offset " + std::to_string(name.begin);
        if (t.kind == TokenKind::End) throw ExprError("missing ')' to close " + call, t.begin);
        throw ExprError("expected ',' or ')' in " + call + ", found " + describe_token(t), t.begin);
      }
    }
    take();  // ')'
    n->end = last_end();
    const std::size_t got = n->children.size();
    if (got < f->min_args || got > f->max_args) {
      std::string expects;
      if (f->max_args == SIZE_MAX) {
        expects = "at least " + plural(f->min_args, "argument");
      } else if (f->min_args == f->max_args) {
        expects = plural(f->min_args, "argument");
      } else {
        expects = std::to_string(f->min_args) + " or " + plural(f->max_args, "argument");
      }
      throw ExprError(name.text + "() expects " + expects + ", got " + std::to_string(got) + "; usage: " +
                          f->signature,
                      name.begin);
    }
    return finish(n);
  }

  std::vector<Token> tokens_;
  std::size_t i_ = 0;
  int depth_ = 0;
};

}  // namespace

Expression Expression::parse(const std::string& text) {
  Expression e;
  e.text_ = text;
  e.root_ = Parser(text).parse_all();
  return e;
}

}  // namespace milink::expr
