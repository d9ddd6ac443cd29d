// Running work inside another network namespace on the calling thread: setns() moves only the
// calling thread, and a guard moves it back to where it was when the work returns or throws.
// (A helper thread per call did the same, but under load every hand-off to a new thread waits
// for the scheduler: at 500 namespaces that was most of an in-sync `up`.)
#include <sched.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "nswire/error.h"
#include "nswire/netns/namespace.h"

namespace nswire::netns {
namespace {

// How deep the calling thread is in run_in calls: at 0 it is in its own namespace.
thread_local int depth = 0;

// Moves the calling thread back into the namespace it was in before. Failing that would leave the
// thread (often the main thread) working in the wrong namespace, unnoticed: stop instead.
class ReturnHome {
 public:
  // Outside any run_in the thread's own namespace is opened once per thread (it saves three
  // syscalls a call); inside one, the current namespace is opened afresh.
  ReturnHome() {
    thread_local Namespace own = Namespace::current();
    if (depth > 0) nested_ = Namespace::current();
    fd_ = depth > 0 ? nested_.fd() : own.fd();
    ++depth;
  }
  ~ReturnHome() {
    --depth;
    if (setns(fd_, CLONE_NEWNET) != 0) {
      std::fprintf(stderr, "nswire: cannot return to the original network namespace: %s\n", std::strerror(errno));
      std::abort();
    }
  }
  ReturnHome(const ReturnHome&) = delete;
  ReturnHome& operator=(const ReturnHome&) = delete;

 private:
  Namespace nested_;
  int fd_ = -1;
};

}  // namespace

void run_in(const Namespace& ns, const std::function<void()>& fn) {
  if (!ns.valid()) throw Error("enter network namespace: invalid handle");
  ReturnHome back;
  if (setns(ns.fd(), CLONE_NEWNET) != 0)
    throw Error(errno_message("enter network namespace", ns.name().empty() ? "(unnamed)" : ns.name(), errno));
  fn();
}

void run_in_new(const std::function<void()>& fn) {
  ReturnHome back;
  if (unshare(CLONE_NEWNET) != 0) throw Error(errno_message("unshare", "CLONE_NEWNET", errno));
  fn();
}

}  // namespace nswire::netns
