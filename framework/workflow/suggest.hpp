//===- workflow/suggest.hpp - "did you mean ...?" ---------------*- C++ -*-===//
#pragma once

#include <string>
#include <vector>

namespace milink::workflow {

/// The candidate closest to \p word by edit distance, if close enough to be
/// a plausible typo (distance <= max(1, length/3)); empty otherwise.
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

/// `did you mean "x"?` or empty when nothing is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace milink::workflow
