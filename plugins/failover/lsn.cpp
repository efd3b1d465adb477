#include "lsn.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <cctype>

namespace milink::link {

namespace {
using Number = boost::multiprecision::cpp_int;

std::optional<Number> parse(const std::string& s) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
    return std::nullopt;
  return Number(s);
}
}  // namespace

std::optional<int> compare_lsn(const std::string& a, const std::string& b) {
  auto x = parse(a), y = parse(b);
  if (!x || !y) return std::nullopt;
  return *x < *y ? -1 : *x > *y ? 1 : 0;
}

std::string lsn_gap(const std::string& later, const std::string& earlier) {
  auto x = parse(later), y = parse(earlier);
  if (!x || !y || *x < *y) return "";
  return Number(*x - *y).str();
}

}  // namespace milink::link
