// Runs `fn` with a netlink socket in a network namespace of its own that vanishes afterwards:
// a helper thread unshares its network namespace (unshare/setns move only the calling thread),
// opens the socket there, and when it returns the namespace and everything made in it go away.
// How nswire asks the kernel what it can do (a qdisc kind, a link kind) without changing the
// system. Internal to src/netlink.
#pragma once

#include <sched.h>

#include <cerrno>
#include <exception>
#include <string>
#include <thread>

#include "nswire/error.h"
#include "nswire/netlink/socket.h"

namespace nswire::netlink::detail {

template <class Fn>
void in_throwaway_namespace(const std::string& what, Fn&& fn) {
  std::exception_ptr failure;
  std::thread helper([&] {
    try {
      if (unshare(CLONE_NEWNET) != 0) throw nswire::Error(errno_message(what + ": unshare", "CLONE_NEWNET", errno));
      Socket socket = Socket::open();
      fn(socket);
    } catch (...) {
      failure = std::current_exception();
    }
  });
  helper.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace nswire::netlink::detail
