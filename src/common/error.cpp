// Shared error formatting for every layer (see include/nswire/error.h).
#include "nswire/error.h"

#include <cstring>

namespace nswire {

std::string errno_message(const std::string& op, const std::string& object, int err) {
  std::string s = op;
  if (!object.empty()) s += ": " + object;
  return s + ": " + std::strerror(err);
}

}  // namespace nswire
