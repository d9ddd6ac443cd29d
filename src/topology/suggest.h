// "Did you mean" for misspelt keys: the closest known word by edit distance, if close enough.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace nswire::topology {

// Levenshtein distance (insert, delete, substitute; each costs 1).
int edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, or "" when none is near enough to be a likely typo
// (distance at most 2, or a third of the word for long words).
std::string closest_word(std::string_view word, std::initializer_list<std::string_view> candidates);

}  // namespace nswire::topology
