// One loop over indexes, on two threads where a lab is big enough for it to pay: setns moves only
// the calling thread, so work per namespace splits cleanly over two cores. Used by observe (reading
// namespaces), and by apply (creating and configuring them).
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>

namespace nswire::reconcile {

// Calls body(i) for every i in [first, end), where body = make_body() is made once per thread (for
// what a thread keeps, such as a socket): split over this thread and one more, taking indexes in
// turn, when `two`; in order on this thread otherwise. The first exception stops both threads and is
// returned, not thrown, so the caller can journal what was done before it throws.
template <class MakeBody>
std::exception_ptr for_each_index(size_t first, size_t end, bool two, MakeBody make_body) {
  std::exception_ptr failure;
  std::mutex failure_lock;
  std::atomic<bool> stop{false};
  auto run = [&](size_t from, size_t stride) {
    try {
      auto body = make_body();
      for (size_t i = from; i < end && !stop.load(); i += stride) body(i);
    } catch (...) {
      std::lock_guard<std::mutex> hold(failure_lock);
      if (!failure) failure = std::current_exception();
      stop.store(true);
    }
  };
  if (two && end > first + 1) {
    std::thread helper(run, first + 1, 2);
    run(first, 2);
    helper.join();
  } else {
    run(first, 1);
  }
  return failure;
}

}  // namespace nswire::reconcile
