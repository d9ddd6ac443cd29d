// Grouping work by network namespace: a namespace's identity (so two handles to one namespace
// share sockets), and running socket-opening code inside it.
#pragma once

#include <sys/types.h>

#include <compare>
#include <functional>

#include "nswire/netns/namespace.h"

namespace nswire::probe {

// A namespace by identity; {0,0} is the caller's own (a nullptr handle in a Probe).
struct NsKey {
  dev_t dev = 0;
  ino_t ino = 0;
  auto operator<=>(const NsKey&) const = default;
};

inline NsKey key_of(const netns::Namespace* ns) { return ns ? NsKey{ns->dev(), ns->inode()} : NsKey{}; }

// Runs fn inside ns (netns::run_in), or right here when ns is nullptr.
inline void within(const netns::Namespace* ns, const std::function<void()>& fn) {
  if (ns) netns::run_in(*ns, fn);
  else fn();
}

}  // namespace nswire::probe
