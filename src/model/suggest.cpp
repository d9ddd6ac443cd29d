// Edit distance for "did you mean" suggestions.
#include "suggest.h"

#include <algorithm>
#include <vector>

namespace nswire::model {

int edit_distance(std::string_view a, std::string_view b) {
  // Three rows of the optimal-string-alignment programme (Levenshtein plus adjacent
  // transpositions, the commonest typo); keys are short, so this is cheap.
  std::vector<int> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], before[j - 2] + 1);
      }
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

int typo_limit(size_t length) {
  if (length <= 4) return 1;
  return std::max<int>(2, static_cast<int>(length) / 3);
}

std::string closest_word(std::string_view word, std::initializer_list<std::string_view> candidates) {
  if (word.size() > 64) return {};  // not a typo of any key we know
  std::string best;
  int best_distance = 0;
  for (auto c : candidates) {
    int d = edit_distance(word, c);
    if (best.empty() || d < best_distance) {
      best = std::string(c);
      best_distance = d;
    }
  }
  if (best.empty() || best_distance > typo_limit(word.size())) return {};
  return best;
}

}  // namespace nswire::model
