// An rtnetlink socket (libmnl) bound to the network namespace of the thread that opened it; it
// stays bound there whatever thread uses it later. Requests go out in batches, ACKs come back
// matched by sequence number, and failures carry the kernel's extended-ack message.
#pragma once

#include <linux/netlink.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "nswire/error.h"
#include "nswire/netlink/message.h"

struct mnl_socket;

namespace nswire::netlink {

// What happened to one request of a batch.
struct Outcome {
  int error = 0;        // 0 = done, else a positive errno
  std::string extack;   // the kernel's own message, when it gave one
};

// A failed request: "create veth veth0: File exists (kernel: ...)". `outcome.error` is the errno.
class Error : public nswire::Error {
 public:
  Error(const std::string& message, int err, size_t index = 0)
      : nswire::Error(message), error(err), index(index) {}
  int error;     // errno
  size_t index;  // which request of the batch
};

class Socket {
 public:
  // Opens a NETLINK_ROUTE socket in the calling thread's namespace, with extended ACKs and
  // capped ACKs (errors do not echo the whole request) and a receive buffer sized for batches.
  static Socket open();

  Socket() = default;
  ~Socket();
  Socket(Socket&& other) noexcept;
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  bool valid() const { return nl_ != nullptr; }
  int fd() const;

  // Sends every request of the batch (as few sendmsg calls as the buffers allow) and waits
  // for all ACKs. Returns one Outcome per request, in order. Throws only when the socket
  // itself fails. The kernel executes every request it receives, even after one failed.
  std::vector<Outcome> send(Batch& batch);

  // send() and throw Error for the first request that failed with an errno not in `tolerated`,
  // naming it (e.g. {ENODEV}: deleting what is already gone is fine).
  void execute(Batch& batch, std::initializer_list<int> tolerated = {});

  // Sends one dump request (type RTM_GET*, family header `header`) and calls fn for every
  // reply message. Retries when the kernel says the dump was interrupted by a change.
  void dump(uint16_t type, const void* header, size_t header_len,
            const std::function<void(const nlmsghdr*)>& fn);
  // One request (the batch's only one) whose answer is a message, not just an ACK: calls fn
  // for each reply message, returns at the ACK; throws Error with the kernel's message.
  void query(Batch& request, const std::function<void(const nlmsghdr*)>& fn);

  // The same for a request built with attributes (the batch's only request).
  void dump(Batch& request, const std::function<void(const nlmsghdr*)>& fn);

 private:
  explicit Socket(mnl_socket* nl);
  void send_chunk(Batch& batch, size_t first, size_t count, std::vector<Outcome>& outcomes);
  mnl_socket* nl_ = nullptr;
  uint32_t portid_ = 0;
  uint32_t seq_ = 0;
};

// "what object: strerror (kernel: extack)".
std::string describe_failure(const Batch::Entry& entry, const Outcome& outcome);

// Throws Error for the first outcome that failed with an errno not in `tolerated`, naming its
// request, with `where` appended ("in namespace blue"). The one place that decides which
// failures of a batch count.
void check(const Batch& batch, const std::vector<Outcome>& outcomes, std::initializer_list<int> tolerated = {},
           const std::string& where = "");

}  // namespace nswire::netlink
