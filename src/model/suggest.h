// "Did you mean" for misspelt keys: the closest known word by edit distance, if close enough.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace nswire::model {

// Edit distance (insert, delete, substitute, swap two neighbours; each costs 1).
int edit_distance(std::string_view a, std::string_view b);

// The largest distance still taken for a typo of a word of this length: 1 up to 4 bytes,
// then 2 or a third of the word.
int typo_limit(size_t length);

// The candidate nearest to `word`, or "" when none is near enough to be a likely typo
// (within typo_limit of it).
std::string closest_word(std::string_view word, std::initializer_list<std::string_view> candidates);

}  // namespace nswire::model
