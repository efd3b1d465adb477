//===- expr/functions.cpp - Built-in functions ----------------------------===//
///
/// \file
/// The built-ins are strict: an argument of the wrong kind is an error
/// naming the function, the argument and what it got, never a silent
/// conversion (Actions would turn 12 into '12'; we say what is wrong).
///
//===----------------------------------------------------------------------===//

#include "functions.hpp"

#include "expression.hpp"
#include "values.hpp"

#include <milink/sdk/json.hpp>

#include <cstdint>

namespace milink::expr {

using milink::sdk::Array;
using milink::sdk::Kind;
using milink::sdk::Value;

namespace {

/// In the order the documentation lists them; error messages use it too.
const FunctionInfo kFunctions[] = {
    {"contains", 2, 2, "contains(haystack, needle)"},
    {"startsWith", 2, 2, "startsWith(string, prefix)"},
    {"endsWith", 2, 2, "endsWith(string, suffix)"},
    {"format", 1, SIZE_MAX, "format('{0} {1}', a, b)"},
    {"join", 1, 2, "join(array, separator = ',')"},
    {"toJSON", 1, 1, "toJSON(value)"},
    {"fromJSON", 1, 1, "fromJSON(string)"},
    {"length", 1, 1, "length(string | array | object)"},
    {"lower", 1, 1, "lower(string)"},
    {"upper", 1, 1, "upper(string)"},
};

/// The longest text format() and join() make. Without a bound, nested
/// calls such as format('{0}{0}', format('{0}{0}', ...)) double the text at
/// every level and exhaust memory long before the depth limit.
constexpr std::size_t kMaxOutputBytes = 1024 * 1024;

bool iequals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

/// One call of a built-in; errors read "<name>() ...", at the call's offset.
class Call {
public:
  Call(const FunctionInfo& f, const std::vector<Value>& args, std::size_t pos, const std::string& text)
      : f_(f), args_(args), pos_(pos), text_(text) {}

  Value run() {
    const std::string name = f_.name;
    if (name == "contains") return contains();
    if (name == "startsWith") return affix(true);
    if (name == "endsWith") return affix(false);
    if (name == "format") return format();
    if (name == "join") return join();
    if (name == "toJSON") return has_unknown(args_[0]) ? Value::unknown(text_) : Value(args_[0].to_json());
    if (name == "fromJSON") return from_json();
    if (name == "length") return length();
    if (name == "lower") return change_case(false);
    if (name == "upper") return change_case(true);
    fail("is declared but not implemented");
  }

private:
  [[noreturn]] void fail(const std::string& what) const {
    throw ExprError(std::string(f_.name) + "() " + what, pos_);
  }

  void check_output(const std::string& out) const {
    if (out.size() > kMaxOutputBytes) {
      fail("would make more than " + std::to_string(kMaxOutputBytes) + " bytes of text (1 MiB, the limit)");
    }
  }

  const std::string& string_arg(std::size_t i) const {
    if (!args_[i].is_string()) {
      fail("expects a string as argument " + std::to_string(i + 1) + ", got " + a_kind(args_[i].kind()));
    }
    return args_[i].as_string();
  }

  Value contains() const {
    const Value& hay = args_[0];
    const Value& needle = args_[1];
    if (hay.is_string()) {
      if (!needle.is_string()) {
        fail("expects a string as argument 2 when argument 1 is a string, got " + a_kind(needle.kind()));
      }
      return Value(hay.as_string().find(needle.as_string()) != std::string::npos);
    }
    if (!hay.is_array()) fail("expects a string or an array as argument 1, got " + a_kind(hay.kind()));
    if (has_unknown(needle)) return Value::unknown(text_);
    bool unknown_element = false;
    for (const Value& e : hay.as_array()) {
      if (has_unknown(e)) {
        unknown_element = true;
      } else if (e == needle) {
        return Value(true);
      }
    }
    // A known element was not it, but an unknown one might be.
    return unknown_element ? Value::unknown(text_) : Value(false);
  }

  Value affix(bool prefix) const {
    const std::string& s = string_arg(0);
    const std::string& a = string_arg(1);
    if (a.size() > s.size()) return Value(false);
    return Value(prefix ? s.compare(0, a.size(), a) == 0 : s.compare(s.size() - a.size(), a.size(), a) == 0);
  }

  /// {N} is argument N after the format string; {{ and }} are literal braces.
  Value format() const {
    const std::string& fmt = string_arg(0);
    const std::size_t given = args_.size() - 1;
    std::string out;
    for (std::size_t i = 0; i < fmt.size();) {
      const char c = fmt[i];
      if (c == '}') {
        if (i + 1 < fmt.size() && fmt[i + 1] == '}') {
          out += '}';
          i += 2;
          continue;
        }
        fail("found an unmatched '}' at position " + std::to_string(i) +
             " of the format string; write '}}' for a literal '}'");
      }
      if (c != '{') {
        out += c;
        ++i;
        continue;
      }
      if (i + 1 < fmt.size() && fmt[i + 1] == '{') {
        out += '{';
        i += 2;
        continue;
      }
      const std::size_t close = fmt.find('}', i + 1);
      if (close == std::string::npos) {
        fail("found an unmatched '{' at position " + std::to_string(i) +
             " of the format string; write '{{' for a literal '{'");
      }
      const std::string inside = fmt.substr(i + 1, close - i - 1);
      bool digits = !inside.empty() && inside.size() <= 9;
      for (char d : inside) digits = digits && d >= '0' && d <= '9';
      if (!digits) {
        fail("found an invalid placeholder '{" + inside +
             "}' in the format string; use {0}, {1}, ... and '{{' for a literal '{'");
      }
      const std::size_t n = std::stoul(inside);
      if (n >= given) {
        fail("has no argument for placeholder {" + inside + "}: " + std::to_string(given) + " argument" +
             (given == 1 ? " follows" : "s follow") + " the format string");
      }
      const Value& v = args_[n + 1];
      if (v.is_array() || v.is_object()) {
        fail("argument {" + inside + "} is " + a_kind(v.kind()) + "; wrap it in toJSON() to put it in text");
      }
      out += v.to_display();
      check_output(out);
      i = close + 1;
    }
    return Value(std::move(out));
  }

  Value join() const {
    if (!args_[0].is_array()) fail("expects an array as argument 1, got " + a_kind(args_[0].kind()));
    const std::string sep = args_.size() > 1 ? string_arg(1) : std::string(",");
    if (has_unknown(args_[0])) return Value::unknown(text_);
    const Array& a = args_[0].as_array();
    std::string out;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i].is_array() || a[i].is_object()) {
        fail("cannot join element " + std::to_string(i) + ", which is " + a_kind(a[i].kind()) +
             "; only strings, numbers, booleans and null can be joined");
      }
      if (i) out += sep;
      out += a[i].to_display();
      check_output(out);
    }
    return Value(std::move(out));
  }

  Value from_json() const {
    const std::string& s = string_arg(0);
    try {
      return milink::sdk::parse_json(s, "fromJSON");
    } catch (const milink::sdk::JsonError& e) {
      fail("got invalid JSON (line " + std::to_string(e.location().line) + ", column " +
           std::to_string(e.location().column) + "): " + e.message());
    }
  }

  /// Strings count characters (UTF-8 code points), not bytes.
  Value length() const {
    const Value& v = args_[0];
    switch (v.kind()) {
      case Kind::String: {
        std::int64_t n = 0;
        for (unsigned char c : v.as_string())
          if ((c & 0xC0) != 0x80) ++n;
        return Value(n);
      }
      case Kind::Array: return Value(static_cast<std::int64_t>(v.as_array().size()));
      case Kind::Object: return Value(static_cast<std::int64_t>(v.as_object().size()));
      default: fail("expects a string, an array or an object, got " + a_kind(v.kind()));
    }
  }

  /// ASCII letters only; other characters pass through unchanged.
  Value change_case(bool upper) const {
    std::string s = string_arg(0);
    for (char& c : s) {
      if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return Value(std::move(s));
  }

  const FunctionInfo& f_;
  const std::vector<Value>& args_;
  std::size_t pos_;
  const std::string& text_;
};

}  // namespace

const FunctionInfo* find_function(const std::string& name) {
  for (const FunctionInfo& f : kFunctions)
    if (name == f.name) return &f;
  return nullptr;
}

std::string unknown_function_message(const std::string& name) {
  std::string msg = "unknown function '" + name + "'";
  std::string known;
  for (const FunctionInfo& f : kFunctions) {
    if (iequals(name, f.name)) msg += " (did you mean '" + std::string(f.name) + "'? names are case-sensitive)";
    if (!known.empty()) known += ", ";
    known += f.name;
  }
  return msg + "; known functions: " + known;
}

Value call_function(const FunctionInfo& f, const std::vector<Value>& args, std::size_t pos,
                    const std::string& call_text) {
  return Call(f, args, pos, call_text).run();
}

}  // namespace milink::expr
