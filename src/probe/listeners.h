// nswire's own listeners for TCP and UDP probes: a TCP socket that accepts (the kernel completes
// the handshake; accepting only drains the backlog) and a UDP socket that echoes every datagram
// back to its sender. Opened inside their namespace before any probe starts, served by the
// engine's event loop, closed with this object.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "address.h"
#include "fd.h"
#include "nswire/probe/probe.h"

namespace nswire::probe {

class Listeners {
 public:
  struct Request {
    const netns::Namespace* ns = nullptr;  // nullptr: the caller's namespace
    std::string ns_label;                  // for errors when the namespace has no name
    Protocol protocol = Protocol::tcp;
    SocketAddress address;
  };

  // Opens one listener per distinct (namespace, protocol, address:port) among the requests, with
  // one run_in per namespace. Throws nswire::Error naming the listener when one cannot be opened.
  void open(const std::vector<Request>& requests);

  std::size_t size() const { return listeners_.size(); }
  int fd(std::size_t i) const { return listeners_[i].fd.get(); }

  // Handles everything pending on listener i without blocking.
  void serve(std::size_t i);

 private:
  struct Listener {
    Fd fd;
    Protocol protocol = Protocol::tcp;
  };
  std::vector<Listener> listeners_;
};

}  // namespace nswire::probe
