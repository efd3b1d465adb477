//===- expr/template.cpp - ${{ }} templates -------------------------------===//

#include "expression.hpp"
#include "values.hpp"

namespace milink::expr {

using milink::sdk::Value;

namespace {

const std::string kOpen = "${{";
const std::string kClose = "}}";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// Runs \p f, moving the offset of any ExprError it throws by \p shift:
/// expressions report offsets into their own text, templates into theirs.
template <typename F>
auto shifted(std::size_t shift, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const ExprError& e) {
    throw ExprError(e.what(), e.offset() + shift);
  }
}

}  // namespace

bool Template::contains_expression(const std::string& text) { return text.find(kOpen) != std::string::npos; }

Template Template::parse(const std::string& text) {
  Template t;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find(kOpen, pos);
    if (open == std::string::npos) {
      t.parts_.push_back(Part{false, text.substr(pos), pos, nullptr});
      break;
    }
    if (open > pos) t.parts_.push_back(Part{false, text.substr(pos, open - pos), pos, nullptr});

    // The closing }} is the first one outside a '...' literal, so that
    // ${{ format('}}{0}', x) }} ends where it should. A '' escape toggles
    // twice and leaves us inside the literal, as it should.
    const std::size_t begin = open + kOpen.size();
    bool in_string = false;
    std::size_t close = std::string::npos;
    for (std::size_t j = begin; j < text.size(); ++j) {
      if (text[j] == '\'') {
        in_string = !in_string;
      } else if (!in_string && text.compare(j, kClose.size(), kClose) == 0) {
        close = j;
        break;
      }
    }
    if (close == std::string::npos) {
      throw ExprError(std::string("unterminated '${{': no matching '}}'") +
                          (in_string ? " (a string literal inside it is not closed)" : ""),
                      open);
    }
    const std::string inner = text.substr(begin, close - begin);
    bool blank = true;
    for (char c : inner) blank = blank && is_space(c);
    if (blank) throw ExprError("empty expression in '${{ }}'", open);

    auto expr = std::make_shared<Expression>(shifted(begin, [&] { return Expression::parse(inner); }));
    t.parts_.push_back(Part{true, std::string(), begin, std::move(expr)});
    pos = close + kClose.size();
  }
  t.single_ = t.parts_.size() == 1 && t.parts_[0].is_expr;
  return t;
}

bool Template::is_literal() const noexcept {
  for (const Part& p : parts_)
    if (p.is_expr) return false;
  return true;
}

bool Template::is_single_expression() const noexcept { return single_; }

std::vector<Reference> Template::references() const {
  std::vector<Reference> out;
  for (const Part& p : parts_) {
    if (!p.is_expr) continue;
    for (Reference r : p.expr->references()) {
      r.offset += p.offset;
      out.push_back(std::move(r));
    }
  }
  return out;
}

Value Template::evaluate(const Scope& scope) const {
  if (single_) {
    const Part& p = parts_[0];
    return shifted(p.offset, [&] { return p.expr->evaluate(scope); });
  }
  std::string out;
  for (const Part& p : parts_) {
    if (!p.is_expr) {
      out += p.literal;
      continue;
    }
    const Value v = shifted(p.offset, [&] { return p.expr->evaluate(scope); });
    if (v.is_array() || v.is_object()) {
      // Name the expression as written, without the padding inside ${{ }}.
      const std::string& s = p.expr->text();
      std::size_t b = 0, e = s.size();
      while (b < e && is_space(s[b])) ++b;
      while (e > b && is_space(s[e - 1])) --e;
      const std::string written = s.substr(b, e - b);
      throw ExprError(written + " is " + a_kind(v.kind()) + ", which cannot be put in text; use toJSON(" + written +
                          ") to embed it as JSON",
                      p.offset + b);
    }
    out += v.to_display();
  }
  return Value(std::move(out));
}

}  // namespace milink::expr
