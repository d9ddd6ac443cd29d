// Running work inside another network namespace. setns() moves only the calling thread, so the
// work runs on a fresh thread that enters the namespace and dies with it: the caller's thread,
// and every other thread, stay where they were, whatever the work throws.
#include <sched.h>

#include <cerrno>
#include <exception>
#include <thread>

#include "nswire/error.h"
#include "nswire/netns/namespace.h"

namespace nswire::netns {

void run_in(const Namespace& ns, const std::function<void()>& fn) {
  if (!ns.valid()) throw Error("enter network namespace: invalid handle");
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      if (setns(ns.fd(), CLONE_NEWNET) != 0)
        throw Error(errno_message("enter network namespace", ns.name().empty() ? "(unnamed)" : ns.name(), errno));
      fn();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  worker.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace nswire::netns
