// The narrow seam between the applier and the system it changes, in the shape of ninja's
// DiskInterface: open a namespace, send a netlink batch, write a sysctl or a resolv.conf, apply a
// backend's changes. The applier (apply.h) speaks only to this, so its rollback order, its undo
// journal and its two threads are unit-tested against a recording fake, and the real one
// (make_real_system) is tested where the kernel and the switch are the point.
//
// Namespaces are named by node ("" = the namespace nswire runs in). Calls marked "changes" are
// the steps of a run: the test-only fault hook (with_fault_hook) counts them.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "nswire/backend/bridge_backend.h"
#include "nswire/model/desired.h"
#include "nswire/netlink/addresses.h"
#include "nswire/netlink/links.h"
#include "nswire/netlink/message.h"
#include "nswire/netlink/socket.h"

namespace nswire::reconcile {

class Backends;

class System {
 public:
  virtual ~System() = default;

  // Namespaces. create_namespace may be called from two threads at once.
  virtual void create_namespace(const std::string& node) = 0;  // changes
  virtual void remove_namespace(const std::string& node) = 0;  // changes
  virtual bool namespace_exists(const std::string& node) = 0;
  // An fd of the node's namespace, for creating a veth end directly in it (IFLA_NET_NS_FD).
  virtual int namespace_fd(const std::string& node) = 0;

  // Netlink, in a node's namespace: one outcome per request (send changes when the batch is not
  // empty); links() is a dump; host_link_exists looks a host link up by name (no RTNL).
  virtual std::vector<netlink::Outcome> send(const std::string& node, netlink::Batch& batch) = 0;
  virtual std::vector<netlink::Link> links(const std::string& node) = 0;
  virtual std::vector<netlink::Address> addresses(const std::string& node, int family) = 0;
  virtual bool host_link_exists(const std::string& name) = 0;
  // Which of `names` (links in the node) do not carry traffic yet (operstate not UP, or gone).
  // By default one links() dump; the real system looks host links up by name (an ioctl each, no
  // RTNL): the applier polls this, and a dump of a big host costs the kernel O(N) per veth.
  virtual std::vector<std::string> not_running(const std::string& node, const std::vector<std::string>& names);

  // Inside a node's namespace.
  virtual void set_tx_checksum(const std::string& node, const std::string& ifname, bool on) = 0;  // changes
  virtual std::string read_sysctl(const std::string& node, const std::string& key) = 0;
  virtual void write_sysctl(const std::string& node, const std::string& key, const std::string& value) = 0;  // changes
  virtual bool resolv_conf_exists(const std::string& node) = 0;
  virtual void write_resolv_conf(const std::string& node, const std::vector<std::string>& nameservers,
                                 const std::vector<std::string>& search) = 0;  // changes
  virtual void remove_etc(const std::string& node) = 0;                        // changes

  // A backend's changes (one netlink batch or one OVSDB transaction per group). May run on a
  // helper thread while the calling thread configures namespaces.
  virtual void apply(const std::string& backend, const backend::Changes& changes) = 0;  // changes
  // Waits until these ports carry traffic (BridgeBackend::wait_ready); the ones that do not, and why.
  virtual std::vector<std::string> wait_ready(const std::string& backend, const std::vector<backend::PortRef>& ports) = 0;

  // send(), then throw for the first request that failed with an errno not in `tolerated`.
  void execute(const std::string& node, netlink::Batch& batch, std::initializer_list<int> tolerated = {});
};

// The real system: netlink sockets opened inside each namespace, the lab's backends.
std::unique_ptr<System> make_real_system(const model::Desired& desired, Backends& backends);

// A test hook, compiled in: wraps `system` so that the Nth step that changes something (1-based)
// kills the process (NSWIRE_TEST_KILL_AT_STEP=N: SIGKILL, as a crash would), fails with an error
// instead of happening (NSWIRE_TEST_FAIL_AT_STEP=N); or the Kth backend change happens and then
// fails, as a switch that commits a change and then reports an error (NSWIRE_TEST_FAIL_AFTER_APPLY=K). Without these variables,
// `system` itself is returned. NSWIRE_TEST_STEP_LOG=PATH appends one line per step to PATH.
std::unique_ptr<System> with_fault_hook(std::unique_ptr<System> system);

}  // namespace nswire::reconcile
