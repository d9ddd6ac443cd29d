// The real System (see include/nswire/reconcile/system.h): namespaces through netns, netlink
// sockets opened inside each namespace (kept open for the run), the lab's backends.
#include "nswire/reconcile/system.h"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "backends.h"
#include "nswire/error.h"
#include "nswire/netlink/offload.h"
#include "nswire/netns/namespace.h"
#include "nswire/netns/sysctl.h"
#include "observe.h"

namespace nswire::reconcile {

void System::execute(const std::string& node, netlink::Batch& batch, std::initializer_list<int> tolerated) {
  netlink::check(batch, send(node, batch), tolerated, node.empty() ? "" : "in namespace " + node);
}

std::vector<std::string> System::not_running(const std::string& node, const std::vector<std::string>& names) {
  std::set<std::string> up;
  for (const auto& l : links(node))
    if (l.operstate == "UP") up.insert(l.name);
  std::vector<std::string> out;
  for (const auto& n : names)
    if (!up.count(n)) out.push_back(n);
  return out;
}

namespace {

class RealSystem final : public System {
 public:
  RealSystem(const Desired& desired, Backends& backends) : desired_(desired), backends_(backends) {}

  void create_namespace(const std::string& node) override {
    auto made = netns::Namespace::create(node);
    std::lock_guard<std::mutex> hold(lock_);
    open_.insert_or_assign(node, std::move(made));
  }

  void remove_namespace(const std::string& node) override {
    {
      std::lock_guard<std::mutex> hold(lock_);
      open_.erase(node);
      sockets_.erase(node);
    }
    netns::remove(node);
  }

  bool namespace_exists(const std::string& node) override { return node.empty() || find(node) != nullptr; }

  int namespace_fd(const std::string& node) override { return ns(node).fd(); }

  std::vector<netlink::Outcome> send(const std::string& node, netlink::Batch& batch) override {
    if (batch.empty()) return {};
    return socket(node).send(batch);
  }

  std::vector<netlink::Link> links(const std::string& node) override { return netlink::dump_links(socket(node)); }

  std::vector<netlink::Address> addresses(const std::string& node, int family) override {
    return netlink::dump_addresses(socket(node), family);
  }

  bool host_link_exists(const std::string& name) override { return if_nametoindex(name.c_str()) != 0; }

  // Host links by name: SIOCGIFFLAGS's IFF_RUNNING is netif_oper_up (operstate UP; UNKNOWN too,
  // which a veth never reports).
  std::vector<std::string> not_running(const std::string& node, const std::vector<std::string>& names) override {
    if (!node.empty()) return System::not_running(node, names);
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return System::not_running(node, names);
    std::vector<std::string> out;
    for (const auto& n : names) {
      ifreq req{};
      n.copy(req.ifr_name, IFNAMSIZ - 1);
      if (::ioctl(fd, SIOCGIFFLAGS, &req) != 0 || !(req.ifr_flags & IFF_RUNNING)) out.push_back(n);
    }
    ::close(fd);
    return out;
  }

  void set_tx_checksum(const std::string& node, const std::string& ifname, bool on) override {
    if (node.empty()) {
      netlink::set_tx_checksum(ifname, on);
      return;
    }
    netns::run_in(ns(node), [&] { netlink::set_tx_checksum(ifname, on); });
  }

  std::string read_sysctl(const std::string& node, const std::string& key) override {
    return netns::get_sysctl(node.empty() ? host() : ns(node), key);
  }

  void write_sysctl(const std::string& node, const std::string& key, const std::string& value) override {
    netns::set_sysctl(node.empty() ? host() : ns(node), key, value);
  }

  bool resolv_conf_exists(const std::string& node) override {
    return ::access(netns::resolv_conf_path(node).c_str(), F_OK) == 0;
  }

  void write_resolv_conf(const std::string& node, const std::vector<std::string>& nameservers,
                         const std::vector<std::string>& search) override {
    netns::write_resolv_conf(node, nameservers, search);
  }

  void remove_etc(const std::string& node) override { netns::remove_etc(node); }

  void apply(const std::string& backend, const backend::Changes& changes) override { backends_.get(backend).apply(changes); }

  std::vector<std::string> wait_ready(const std::string& backend, const std::vector<backend::PortRef>& ports) override {
    return backends_.get(backend).wait_ready(ports);
  }

 private:
  const netns::Namespace& host() {
    std::lock_guard<std::mutex> hold(lock_);
    if (!host_) host_ = netns::Namespace::current();
    return *host_;
  }

  // A node's namespace, opened once (by its attach path when it is attached); nullptr if absent.
  const netns::Namespace* find(const std::string& node) {
    std::lock_guard<std::mutex> hold(lock_);
    auto it = open_.find(node);
    if (it != open_.end()) return &it->second;
    const auto* d = desired_.find_namespace(node);
    auto handle = open_node_namespace(node, d ? d->attach_path : "");
    if (!handle) return nullptr;
    return &open_.emplace(node, std::move(*handle)).first->second;
  }

  const netns::Namespace& ns(const std::string& node) {
    if (node.empty()) return host();
    const auto* n = find(node);
    if (!n) throw Error("namespace \"" + node + "\" does not exist");
    return *n;
  }

  netlink::Socket& socket(const std::string& node) {
    {
      std::lock_guard<std::mutex> hold(lock_);
      auto it = sockets_.find(node);
      if (it != sockets_.end()) return it->second;
    }
    auto s = node.empty() ? netlink::Socket::open() : netns::open_netlink(ns(node));
    std::lock_guard<std::mutex> hold(lock_);
    return sockets_.insert_or_assign(node, std::move(s)).first->second;
  }

  const Desired& desired_;
  Backends& backends_;
  std::mutex lock_;  // the maps: namespaces are created on two threads
  std::optional<netns::Namespace> host_;
  std::map<std::string, netns::Namespace> open_;
  std::map<std::string, netlink::Socket> sockets_;
};

}  // namespace

std::unique_ptr<System> make_real_system(const Desired& desired, Backends& backends) {
  return std::make_unique<RealSystem>(desired, backends);
}

}  // namespace nswire::reconcile
