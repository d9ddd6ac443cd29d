// The applier; see apply.h.
#include "apply.h"

#include <net/if.h>

#include <atomic>
#include <cerrno>
#include <exception>
#include <mutex>
#include <optional>
#include <chrono>
#include <set>
#include <thread>
#include <fstream>
#include <map>
#include <sstream>

#include "nswire/error.h"
#include "nswire/netlink/addresses.h"
#include "nswire/netlink/links.h"
#include "nswire/netlink/offload.h"
#include "nswire/netlink/routes.h"
#include "nswire/netns/namespace.h"
#include "nswire/netns/sysctl.h"
#include "observe.h"

namespace nswire::reconcile {
namespace {

class Applier {
 public:
  Applier(const Desired& d, const Plan& p, Backends& b, const Progress& progress, std::string verb)
      : desired_(d), plan_(p), backends_(b), progress_(progress), verb_(std::move(verb)) {}

  void run() {
    try {
      removals();
      bridges();
      namespaces();
      veths();
      ports_while_configuring();
    } catch (const std::exception& e) {
      std::string failure = e.what();
      size_t undone = journal_.size();
      std::string trouble = rollback();
      throw Error(verb_ + " failed: " + failure + "; rolled back " + std::to_string(undone) + " change" +
                  (undone == 1 ? "" : "s") + (trouble.empty() ? "" : " (rollback trouble: " + trouble + ")"));
    }
  }

 private:
  void say(const std::string& s) {
    if (progress_) progress_(s);
  }
  void undo(std::function<void()> fn) { journal_.push_back(std::move(fn)); }

  std::string rollback() {
    std::string trouble;
    for (auto it = journal_.rbegin(); it != journal_.rend(); ++it) {
      try {
        (*it)();
      } catch (const std::exception& e) {
        trouble += (trouble.empty() ? "" : "; ") + std::string(e.what());
      }
    }
    journal_.clear();
    return trouble;
  }

  const netns::Namespace& ns(const std::string& node) {
    auto it = open_.find(node);
    if (it != open_.end()) return it->second;
    std::optional<netns::Namespace> handle;
    if (node.empty()) {
      handle = netns::Namespace::current();
    } else {
      const auto* d = desired_.find_namespace(node);
      handle = open_node_namespace(node, d ? d->attach_path : "");
    }
    if (!handle) throw Error("namespace \"" + node + "\" does not exist");
    return open_.emplace(node, std::move(*handle)).first->second;
  }

  netlink::Socket socket(const std::string& node) {
    return node.empty() ? netlink::Socket::open() : netns::open_netlink(ns(node));
  }

  // Order: OVS rows go first (ovs-vswitchd should let go of a port before its device vanishes);
  // then links and namespaces; Linux bridges last, right after the namespaces and without waiting
  // for their teardown: by then the kernel is already releasing the veths in one batch, so a
  // bridge goes with few ports left, where deleting it first would release every port singly.
  void removals() {
    for (const auto& [name, changes] : plan_.removals) {
      if (name == "linux") continue;
      say("removing from " + name + " bridges");
      backends_.get(name).apply(changes);
    }
    std::map<std::string, std::vector<std::string>> by_ns;
    for (const auto& [node, ifname] : plan_.delete_links) by_ns[node].push_back(ifname);
    for (const auto& [node, names] : by_ns) {
      say("deleting " + std::to_string(names.size()) + " link(s) in " + (node.empty() ? "host" : node));
      auto s = socket(node);
      netlink::Batch b;
      for (const auto& n : names) netlink::delete_link(b, n);
      auto outcomes = s.send(b);
      for (size_t i = 0; i < outcomes.size(); ++i)  // a veth's peer goes with it: ENODEV is fine
        if (outcomes[i].error && outcomes[i].error != ENODEV)
          throw netlink::Error(netlink::describe_failure(b.entries()[i], outcomes[i]), outcomes[i].error, i);
    }
    for (const auto& node : plan_.remove_namespaces) {
      open_.erase(node);
      netns::remove(node);
    }
    if (!plan_.remove_namespaces.empty()) say("removed " + std::to_string(plan_.remove_namespaces.size()) + " namespace(s)");
    auto linux = plan_.removals.find("linux");
    if (linux != plan_.removals.end()) {
      say("removing from linux bridges");
      backends_.get("linux").apply(linux->second);
    }
    wait_vanishing();
  }

  // The kernel tears namespaces down in the background, their veths (and so the host ends)
  // with them. Wait for that, bounded; whatever is still there then is deleted explicitly.
  void wait_vanishing() {
    if (plan_.vanishing_links.empty()) return;
    std::set<std::string> left(plan_.vanishing_links.begin(), plan_.vanishing_links.end());
    // Looked up by name (an ioctl, no RTNL), not by dumping every link: a dump per poll would
    // queue behind the very teardown it waits for. While the first one left is still there,
    // the others most likely are too: one lookup per poll.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!left.empty() && std::chrono::steady_clock::now() < deadline) {
      for (auto it = left.begin(); it != left.end() && if_nametoindex(it->c_str()) == 0;) it = left.erase(it);
      if (!left.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (left.empty()) return;
    auto host = netlink::Socket::open();
    netlink::Batch b;
    for (const auto& n : left) netlink::delete_link(b, n);
    auto outcomes = host.send(b);
    for (size_t i = 0; i < outcomes.size(); ++i)
      if (outcomes[i].error && outcomes[i].error != ENODEV)
        throw netlink::Error(netlink::describe_failure(b.entries()[i], outcomes[i]), outcomes[i].error, i);
  }

  void bridges() {
    for (const auto& [name, changes] : plan_.bridges) {
      say("bridges on " + name + ": " + std::to_string(changes.ensure_bridges.size()));
      backends_.get(name).apply(changes);
      backend::Changes inverse;
      for (const auto& a : plan_.actions)
        if (a.kind == "bridge" && a.op == Action::Op::create)
          for (const auto& b : changes.ensure_bridges)
            if (b.name == a.object) inverse.remove_bridges.push_back(b.name);
      if (!inverse.empty()) undo([this, name, inverse] { backends_.get(name).apply(inverse); });
    }
  }

  // Namespaces are made on two threads: the kernel sets one up (its sysctl tables, loopback,
  // per-protocol state) mostly outside RTNL, so a second core nearly halves this step.
  void namespaces() {
    const auto& wanted = plan_.create_namespaces;
    if (wanted.empty()) return;
    say("creating " + std::to_string(wanted.size()) + " namespace(s)");
    std::vector<std::optional<netns::Namespace>> made(wanted.size());
    std::exception_ptr failure;
    std::mutex failure_lock;
    std::atomic<bool> stop{false};
    auto create = [&](size_t first, size_t step) {
      for (size_t i = first; i < wanted.size() && !stop.load(); i += step) {
        try {
          made[i] = netns::Namespace::create(wanted[i]);
        } catch (...) {
          std::lock_guard<std::mutex> hold(failure_lock);
          if (!failure) failure = std::current_exception();
          stop.store(true);
        }
      }
    };
    create(0, wanted.size());  // the first alone: it also prepares /run/netns
    if (!stop.load() && wanted.size() > 8) {
      std::thread helper(create, 2, 2);
      create(1, 2);
      helper.join();
    } else {
      create(1, 1);
    }
    for (size_t i = 0; i < wanted.size(); ++i) {
      if (!made[i]) continue;
      const auto node = wanted[i];
      open_.insert_or_assign(node, std::move(*made[i]));
      undo([this, node] {
        open_.erase(node);
        netns::remove(node);
      });
    }
    if (failure) std::rethrow_exception(failure);
  }

  void veths() {
    if (plan_.create_veths.empty()) return;
    say("creating " + std::to_string(plan_.create_veths.size()) + " veth pair(s)");
    auto host = netlink::Socket::open();
    netlink::Batch b;
    for (const auto& v : plan_.create_veths) {
      netlink::VethSpec spec{.name = v.a.ifname, .peer_name = v.b.ifname, .mtu = v.a.mtu};
      if (!v.a.ns.empty()) spec.netns_fd = ns(v.a.ns).fd();
      if (!v.b.ns.empty()) spec.peer_netns_fd = ns(v.b.ns).fd();
      netlink::add_veth(b, spec);
    }
    // Host ends carry the lab's mark before a backend sees them (it checks ownership).
    for (const auto& v : plan_.create_veths)
      for (const auto* e : {&v.a, &v.b})
        if (e->ns.empty()) netlink::change_link(b, {.name = e->ifname, .alias = link_alias(desired_.lab, v.origin)});
    auto outcomes = host.send(b);
    for (size_t i = 0; i < plan_.create_veths.size(); ++i) {
      if (outcomes[i].error) continue;
      const auto v = plan_.create_veths[i];
      undo([this, v] {
        auto s = socket(v.a.ns);
        netlink::Batch d;
        netlink::delete_link(d, v.a.ifname);
        s.send(d);  // gone with its namespace already: fine
      });
    }
    for (size_t i = 0; i < outcomes.size(); ++i)
      if (outcomes[i].error) throw netlink::Error(netlink::describe_failure(b.entries()[i], outcomes[i]), outcomes[i].error, i);
  }

  // The backends attach ports on a helper thread while this one configures the namespaces: the
  // two share nothing (a port needs its veth, made before; the insides of the namespaces need no
  // port), and on OVS most of attaching is waiting for ovs-vswitchd, which then overlaps ours.
  void ports_while_configuring() {
    for (const auto& [name, changes] : plan_.ports)
      say("ports on " + name + ": " + std::to_string(changes.attach_ports.size() + changes.add_patches.size()));
    std::vector<std::string> attached;  // backends whose changes took
    std::exception_ptr port_failure;
    std::thread porter;
    if (!plan_.ports.empty())
      porter = std::thread([&] {
        try {
          for (const auto& [name, changes] : plan_.ports) {
            backends_.get(name).apply(changes);
            attached.push_back(name);
          }
        } catch (...) {
          port_failure = std::current_exception();
        }
      });
    std::exception_ptr configure_failure;
    try {
      configure();
    } catch (...) {
      configure_failure = std::current_exception();
    }
    if (porter.joinable()) porter.join();
    for (const auto& name : attached) {
      const auto& changes = plan_.ports.at(name);
      backend::Changes inverse;
      for (const auto& p : changes.attach_ports) inverse.detach_ports.push_back({p.bridge, p.name});
      for (const auto& p : changes.add_patches) {
        inverse.remove_patches.push_back({p.bridge_a, p.port_a});
        inverse.remove_patches.push_back({p.bridge_b, p.port_b});
      }
      undo([this, name, inverse] { backends_.get(name).apply(inverse); });
    }
    if (port_failure) std::rethrow_exception(port_failure);
    if (configure_failure) std::rethrow_exception(configure_failure);
  }

  void configure() {
    size_t total = 0;
    for (const auto& c : plan_.configure) total += !c.empty();
    if (total) say("configuring " + std::to_string(total) + " namespace(s)");
    for (const auto& c : plan_.configure) configure_one(c);
  }

  void configure_one(const NamespaceChanges& c) {
    bool ns_exists = c.node.empty() || open_.count(c.node) || open_node_namespace(c.node, attach_of(c.node));
    if (ns_exists && (c.lo_up || !c.configure_links.empty() || !c.add_addresses.empty() || !c.delete_addresses.empty() ||
                      !c.add_routes.empty() || !c.delete_routes.empty())) {
      auto s = socket(c.node);
      std::map<std::string, int> index;
      for (const auto& l : netlink::dump_links(s)) index[l.name] = l.index;
      auto idx = [&](const std::string& name) {
        auto it = index.find(name);
        if (it == index.end()) throw Error("configure " + where(c.node, name) + ": no such interface");
        return it->second;
      };
      netlink::Batch b;
      if (c.lo_up) netlink::change_link(b, {.name = "lo", .up = true});
      for (const auto& l : c.configure_links) {
        netlink::LinkChange ch{.index = idx(l.ifname), .name = l.ifname, .up = true, .mtu = l.mtu, .alias = l.alias};
        if (l.mac) ch.mac = netlink::parse_mac(*l.mac);
        netlink::change_link(b, ch);
      }
      for (const auto& [ifname, p] : c.delete_addresses) netlink::delete_address(b, idx(ifname), where(c.node, ifname), p);
      size_t first_add = b.size();
      for (const auto& [ifname, p] : c.add_addresses) netlink::add_address(b, idx(ifname), where(c.node, ifname), p);
      for (const auto& r : c.delete_routes) netlink::delete_route(b, r.route);
      size_t first_route = b.size();
      for (const auto& r : c.add_routes) {
        auto route = r.route;
        if (!r.dev.empty()) route.oif = idx(r.dev);
        netlink::add_route(b, route);
      }
      auto outcomes = s.send(b);
      // Journal what took, so a failure anywhere (here included) is undone.
      std::vector<std::pair<int, std::pair<std::string, IpPrefix>>> added_addresses;
      for (size_t i = 0; i < c.add_addresses.size(); ++i)
        if (!outcomes[first_add + i].error) added_addresses.push_back({idx(c.add_addresses[i].first), c.add_addresses[i]});
      std::vector<netlink::Route> added_routes;
      for (size_t i = 0; i < c.add_routes.size(); ++i)
        if (!outcomes[first_route + i].error) {
          auto route = c.add_routes[i].route;
          if (!c.add_routes[i].dev.empty()) route.oif = idx(c.add_routes[i].dev);
          added_routes.push_back(route);
        }
      if (!added_addresses.empty() || !added_routes.empty()) {
        std::string node = c.node;
        undo([this, node, added_addresses, added_routes] {
          auto s = socket(node);
          netlink::Batch d;
          for (const auto& r : added_routes) netlink::delete_route(d, r);
          for (const auto& [index, a] : added_addresses) netlink::delete_address(d, index, a.first, a.second);
          s.send(d);  // links may be gone already: best effort
        });
      }
      for (size_t i = 0; i < outcomes.size(); ++i)
        if (outcomes[i].error)
          throw netlink::Error(netlink::describe_failure(b.entries()[i], outcomes[i]) + " in " +
                                   (c.node.empty() ? std::string("host") : "namespace " + c.node),
                               outcomes[i].error, i);
    }
    std::vector<std::string> software_checksums;
    for (const auto& l : c.configure_links)
      if (l.tx_checksum_off) software_checksums.push_back(l.ifname);
    if (!software_checksums.empty())
      netns::run_in(ns(c.node), [&] {
        for (const auto& name : software_checksums) netlink::set_tx_checksum(name, false);
      });
    if (!c.sysctls.empty()) {
      const auto& handle = ns(c.node);
      for (const auto& [key, value] : c.sysctls) {
        std::string before = netns::get_sysctl(handle, key);
        netns::set_sysctl(handle, key, value);
        std::string node = c.node;
        undo([this, node, key, before] { netns::set_sysctl(ns(node), key, before); });
      }
    }
    if (c.resolv_conf) {
      std::string path = std::string(netns::kNetnsEtcDir) + "/" + c.node + "/resolv.conf";
      std::ifstream old(path);
      bool existed = static_cast<bool>(old);
      netns::write_resolv_conf(c.node, c.resolv_conf->first, c.resolv_conf->second);
      std::string node = c.node;
      if (!existed) undo([node] { netns::remove_etc(node); });
    }
    if (c.remove_resolv_conf) netns::remove_etc(c.node);
  }

  std::string attach_of(const std::string& node) const {
    const auto* d = desired_.find_namespace(node);
    return d ? d->attach_path : "";
  }

  const Desired& desired_;
  const Plan& plan_;
  Backends& backends_;
  const Progress& progress_;
  std::string verb_;
  std::map<std::string, netns::Namespace> open_;
  std::vector<std::function<void()>> journal_;
};

}  // namespace

void apply_plan(const Desired& desired, const Plan& plan, Backends& backends, const Progress& progress,
                const std::string& verb) {
  Applier(desired, plan, backends, progress, verb).run();
}

}  // namespace nswire::reconcile
