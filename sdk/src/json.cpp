#include <milink/sdk/json.hpp>
#include <milink/sdk/unicode.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace milink::sdk {

SourceLocation SourceMap::locate(const std::string& pointer) const {
  std::string p = pointer;
  while (true) {
    auto it = locs_.find(p);
    if (it != locs_.end()) return it->second;
    if (p.empty()) return {};
    auto slash = p.rfind('/');
    p = slash == std::string::npos ? std::string() : p.substr(0, slash);
  }
}

JsonError::JsonError(std::string source, SourceLocation loc, std::string message)
    : std::runtime_error(source + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column) + ": " +
                         message),
      source_(std::move(source)),
      loc_(loc),
      message_(std::move(message)) {}

std::string json_pointer_join(const std::string& base, const std::string& token) {
  std::string out = base + "/";
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string json_pointer_join(const std::string& base, std::size_t index) {
  return base + "/" + std::to_string(index);
}

namespace {

class Reader {
public:
  Reader(std::string_view text, const std::string& source, SourceMap* map)
      : text_(text), source_(source), map_(map) {}

  Value document() {
    skip_ws();
    Value v = value("", 0);
    skip_ws();
    if (pos_ < text_.size()) fail("unexpected text after the JSON document");
    return v;
  }

private:
  static constexpr int kMaxDepth = 200;

  [[noreturn]] void fail(const std::string& message) { throw JsonError(source_, here(), message); }

  SourceLocation here() const { return SourceLocation{line_, static_cast<int>(pos_ - line_start_) + 1}; }

  void advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  void skip_ws() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        advance();
      else
        break;
    }
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  /// \p c as messages show it: 'x' when printable ASCII, else its byte value
  /// (so that a message never carries a control character or invalid UTF-8).
  static std::string shown(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F) return "'" + std::string(1, c) + "'";
    char buf[16];
    std::snprintf(buf, sizeof buf, "byte 0x%02X", u);
    return buf;
  }

  void expect(char c, const char* what) {
    if (peek() != c) {
      if (pos_ >= text_.size()) fail(std::string("unexpected end of file, expected ") + what);
      fail(std::string("expected ") + what + ", found " + shown(peek()));
    }
    advance();
  }

  Value value(const std::string& pointer, int depth) {
    if (depth > kMaxDepth) fail("nesting deeper than 200 levels");
    if (map_ && pointer.empty()) map_->add(pointer, here());
    char c = peek();
    switch (c) {
      case '{': return object(pointer, depth);
      case '[': return array(pointer, depth);
      case '"': return Value(string());
      case 't': literal("true"); return Value(true);
      case 'f': literal("false"); return Value(false);
      case 'n': literal("null"); return Value();
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        if (pos_ >= text_.size()) fail("unexpected end of file, expected a value");
        if (static_cast<unsigned char>(c) >= 0x80)
          fail("unexpected " + shown(c) + ", expected a value (text outside strings is ASCII)");
        fail("unexpected character " + shown(c) + ", expected a value");
    }
  }

  void literal(const char* word) {
    std::string_view w(word);
    if (text_.substr(pos_, w.size()) != w) fail(std::string("invalid literal, expected '") + word + "'");
    for (std::size_t i = 0; i < w.size(); ++i) advance();
  }

  Value object(const std::string& pointer, int depth) {
    advance();  // {
    Object obj;
    skip_ws();
    if (peek() == '}') {
      advance();
      return Value(std::move(obj));
    }
    while (true) {
      skip_ws();
      if (peek() != '"') fail(peek() == '}' ? "trailing comma before '}'" : "expected a string key");
      SourceLocation key_loc = here();
      std::string key = string();
      if (obj.contains(key)) throw JsonError(source_, key_loc, "duplicate key \"" + key + "\"");
      std::string child = json_pointer_join(pointer, key);
      if (map_) map_->add(child, key_loc);
      skip_ws();
      expect(':', "':' after the key");
      skip_ws();
      obj.set(key, value(child, depth + 1));
      skip_ws();
      if (peek() == ',') {
        advance();
        continue;
      }
      expect('}', "',' or '}'");
      return Value(std::move(obj));
    }
  }

  Value array(const std::string& pointer, int depth) {
    advance();  // [
    Array arr;
    skip_ws();
    if (peek() == ']') {
      advance();
      return Value(std::move(arr));
    }
    while (true) {
      skip_ws();
      if (peek() == ']') fail("trailing comma before ']'");
      std::string child = json_pointer_join(pointer, arr.size());
      if (map_) map_->add(child, here());
      arr.push_back(value(child, depth + 1));
      skip_ws();
      if (peek() == ',') {
        advance();
        continue;
      }
      expect(']', "',' or ']'");
      return Value(std::move(arr));
    }
  }

  unsigned hex4() {
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = peek();
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<unsigned>(c - 'A' + 10);
      else
        fail("invalid \\u escape");
      advance();
    }
    return v;
  }

  std::string string() {
    advance();  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) fail("unterminated string");
      char c = text_[pos_];
      if (c == '"') {
        advance();
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string (escape it)");
      if (static_cast<unsigned char>(c) >= 0x80) {
        const std::size_t n = unicode::utf8_sequence_length(text_, pos_);
        if (n == 0) fail("invalid UTF-8 (" + shown(c) + ") in a string; the text must be UTF-8");
        out.append(text_.substr(pos_, n));
        pos_ += n;
        continue;
      }
      if (c != '\\') {
        out += c;
        advance();
        continue;
      }
      advance();
      if (pos_ >= text_.size()) fail("unterminated string");
      char e = peek();
      advance();
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (peek() != '\\') fail("unpaired surrogate in \\u escape");
            advance();
            if (peek() != 'u') fail("unpaired surrogate in \\u escape");
            advance();
            unsigned lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail("unpaired surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail("unpaired surrogate in \\u escape");
          }
          unicode::append_utf8(out, cp);
          break;
        }
        default: fail(std::string("invalid escape '\\") + e + "'");
      }
    }
  }

  Value number() {
    std::size_t start = pos_;
    bool is_float = false;
    if (peek() == '-') advance();
    if (peek() == '0') {
      advance();
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') advance();
    } else {
      fail("invalid number");
    }
    if (peek() == '.') {
      is_float = true;
      advance();
      if (!(peek() >= '0' && peek() <= '9')) fail("invalid number: digits expected after '.'");
      while (peek() >= '0' && peek() <= '9') advance();
    }
    if (peek() == 'e' || peek() == 'E') {
      is_float = true;
      advance();
      if (peek() == '+' || peek() == '-') advance();
      if (!(peek() >= '0' && peek() <= '9')) fail("invalid number: digits expected in the exponent");
      while (peek() >= '0' && peek() <= '9') advance();
    }
    std::string token(text_.substr(start, pos_ - start));
    if (!is_float) {
      errno = 0;
      long long v = std::strtoll(token.c_str(), nullptr, 10);
      if (errno != ERANGE) return Value(static_cast<std::int64_t>(v));
    }
    return Value(std::strtod(token.c_str(), nullptr));
  }

  std::string_view text_;
  const std::string& source_;
  SourceMap* map_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  int line_ = 1;
};

}  // namespace

Value parse_json(std::string_view text, const std::string& source, SourceMap* map) {
  Reader r(text, source, map);
  return r.document();
}

}  // namespace milink::sdk
