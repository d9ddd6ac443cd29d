// The one error type of the nswire library. Each layer throws it with the context it knows
// (operation, object, the kernel's or server's own message); callers add context on the way up.
#pragma once

#include <stdexcept>
#include <string>

namespace nswire {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "op: object: strerror(err)", the shape of every errno-carrying message we produce.
std::string errno_message(const std::string& op, const std::string& object, int err);

}  // namespace nswire
