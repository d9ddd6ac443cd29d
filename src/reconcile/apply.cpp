// The applier; see apply.h. Every change goes through the System, and every change that took is
// journaled with its inverse before the next one starts.
#include "nswire/reconcile/apply.h"

#include <linux/rtnetlink.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "nswire/error.h"
#include "nswire/netlink/addresses.h"
#include "nswire/netlink/links.h"
#include "nswire/netlink/routes.h"
#include "nswire/netlink/tc.h"
#include "two_threads.h"

namespace nswire::reconcile {
namespace {

// Deleting a link that is gone already (a veth whose peer took it along, a namespace that went
// first) is not a failure: the one errno the applier lets pass, and only for deletions.
constexpr std::initializer_list<int> kGoneAlready = {ENODEV};
// From this many namespaces to configure on, two threads do it.
constexpr size_t kThreadedConfigure = 64;

class Applier {
 public:
  Applier(const Desired& d, const Plan& p, System& s, const ApplyOptions& o)
      : desired_(d), plan_(p), system_(s), options_(o) {}

  void run() {
    try {
      removals();
      bridges();
      namespaces();
      veths();
      ports_while_configuring();
    } catch (const std::exception& e) {
      std::string failure = e.what();
      size_t undone = journal_.size();  // both threads are done by now
      std::string trouble = rollback();
      throw Error(options_.verb + " failed: " + failure + "; rolled back " + std::to_string(undone) + " change" +
                  (undone == 1 ? "" : "s") + (trouble.empty() ? "" : " (rollback trouble: " + trouble + ")"));
    }
    wait_ready();
  }

 private:
  void say(const std::string& s) {
    if (options_.progress) options_.progress(s);
  }
  // Steps come from this thread, the namespace helper and the porter: one at a time.
  void step(const std::string& phase, size_t done, size_t total) {
    if (!options_.steps) return;
    std::lock_guard<std::mutex> hold(step_lock_);
    options_.steps({phase, done, total});
  }
  // Journals an inverse; the porter thread journals its own as its changes take.
  void undo(std::function<void()> fn) {
    std::lock_guard<std::mutex> hold(journal_lock_);
    journal_.push_back(std::move(fn));
  }

  // Newest first; an inverse that fails is reported and the rest still run.
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

  // Order (backend::RemovalOrder): backends whose rows should let go of a port before its device
  // vanishes (OVS; Linux bridges, which go down first) first; then links and namespaces; backends
  // that ask for it last, right after the namespaces and without waiting for their teardown.
  void removals() {
    // Steps of removal: each backend's batch, each namespace's link deletions, each namespace.
    std::set<std::string> link_namespaces;
    for (const auto& [node, ifname] : plan_.delete_links) link_namespaces.insert(node);
    const size_t total = plan_.removals.size() + link_namespaces.size() + plan_.remove_namespaces.size();
    size_t done = 0;
    if (total) step("removing", 0, total);
    auto remove_on = [&](backend::RemovalOrder when) {
      for (const auto& [name, changes] : plan_.removals) {
        if (desired_.traits(name).removal != when) continue;
        say("removing from " + name + " bridges");
        system_.apply(name, changes);
        step("removing", ++done, total);
      }
    };
    remove_on(backend::RemovalOrder::before_links);
    std::map<std::string, std::vector<std::string>> by_ns;
    for (const auto& [node, ifname] : plan_.delete_links) by_ns[node].push_back(ifname);
    for (const auto& [node, names] : by_ns) {
      say("deleting " + std::to_string(names.size()) + " link(s) in " + (node.empty() ? "host" : node));
      netlink::Batch b;
      for (const auto& n : names) netlink::delete_link(b, n);
      system_.execute(node, b, kGoneAlready);  // a veth's peer goes with it
      step("removing", ++done, total);
    }
    for (const auto& node : plan_.remove_namespaces) {
      system_.remove_namespace(node);
      step("removing", ++done, total);
    }
    if (!plan_.remove_namespaces.empty()) say("removed " + std::to_string(plan_.remove_namespaces.size()) + " namespace(s)");
    remove_on(backend::RemovalOrder::after_namespaces);
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
      for (auto it = left.begin(); it != left.end() && !system_.host_link_exists(*it);) it = left.erase(it);
      if (!left.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (left.empty()) return;
    netlink::Batch b;
    for (const auto& n : left) netlink::delete_link(b, n);
    system_.execute(kHost, b, kGoneAlready);
  }

  // A backend's change is journaled BEFORE it is applied: a switch may commit it and then report a
  // failure (an OVS interface error once ovs-vswitchd tried), and what committed must be undone
  // too. Every inverse is one a backend performs on what is already gone without complaint.
  void bridges() {
    size_t total = 0, done = 0;
    for (const auto& [name, changes] : plan_.bridges) total += changes.ensure_bridges.size();
    if (!plan_.bridges.empty()) step("bridges", 0, total);
    for (const auto& [name, changes] : plan_.bridges) {
      say("bridges on " + name + ": " + std::to_string(changes.ensure_bridges.size()));
      backend::Changes inverse;  // the bridges and tunnels this plan makes on this backend
      for (const auto& a : plan_.actions)
        if (a.op == Action::Op::create && a.ref.backend == name) {
          if (a.kind == Action::Kind::bridge) inverse.remove_bridges.push_back(a.ref.name);
          if (a.kind == Action::Kind::tunnel) inverse.remove_tunnels.push_back(a.ref.name);
        }
      // Bridges that were there get their settings back.
      if (auto r = plan_.restore.find(name); r != plan_.restore.end())
        inverse.ensure_bridges = r->second.ensure_bridges;
      if (!inverse.empty()) undo([this, backend = name, inverse] { system_.apply(backend, inverse); });  // clang 14 cannot capture a structured binding
      system_.apply(name, changes);
      done += changes.ensure_bridges.size();
      step("bridges", done, total);
    }
  }

  // Ready when `up` returns: every veth this run made carries traffic (operstate UP: both ends up,
  // which the kernel reports asynchronously), IPv6 works on every lab interface that has an IPv6
  // address (its link-local address exists and is not tentative: a router forwarding a packet out
  // of a link solicits its neighbour from that address, and sends nothing without one), and every
  // port it attached forwards (the backend knows: a Linux bridge port with STP listens and learns
  // first). Bounded; what is still not ready is said, and `up` does not fail for it.
  void wait_ready() {
    bool new_vlans = std::any_of(plan_.configure.begin(), plan_.configure.end(),
                                 [](const NamespaceChanges& c) { return !c.create_vlans.empty(); });
    if (plan_.create_veths.empty() && plan_.ports.empty() && !new_vlans) return;
    auto start = std::chrono::steady_clock::now();
    std::map<std::string, std::set<std::string>> ends;  // namespace -> veth ends to see UP
    for (const auto& v : plan_.create_veths) ends[v.a.ns].insert(v.a.ifname);
    std::vector<std::string> waiting;
    auto deadline = start + std::chrono::seconds(5);
    for (auto& [node, wanted] : ends) {
      std::vector<std::string> names(wanted.begin(), wanted.end());
      for (;;) {
        names = system_.not_running(node, names);
        if (names.empty() || std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      for (const auto& n : names) waiting.push_back(where(node, n) + ": no carrier");
    }
    for (const auto& n : desired_.namespaces) {
      std::set<std::string> v6;  // interfaces with an IPv6 address of the lab
      for (const auto& [ifname, prefixes] : n.addresses)
        for (const auto& p : prefixes)
          if (p.family == AF_INET6) v6.insert(ifname);
      if (v6.empty() || !system_.namespace_exists(n.node)) continue;
      for (;;) {
        std::map<int, std::string> name_of;
        for (const auto& l : system_.links(n.node))
          if (v6.count(l.name)) name_of[l.index] = l.name;
        for (const auto& a : system_.addresses(n.node, AF_INET6))
          if (a.scope == RT_SCOPE_LINK && !a.tentative && name_of.count(a.index)) v6.erase(name_of[a.index]);
        if (v6.empty() || std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      for (const auto& i : v6) waiting.push_back(where(n.node, i) + ": no usable IPv6 link-local address");
    }
    for (const auto& [name, changes] : plan_.ports) {
      std::vector<backend::PortRef> ports;
      for (const auto& p : changes.attach_ports) ports.push_back({p.bridge, p.name});
      auto still = system_.wait_ready(name, ports);
      waiting.insert(waiting.end(), still.begin(), still.end());
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    if (waiting.empty()) {
      say("ready: every new link carries traffic and every port forwards (" + std::to_string(ms) + " ms)");
      return;
    }
    std::string list;
    for (const auto& w : waiting) list += (list.empty() ? "" : ", ") + w;
    say("not ready after " + std::to_string(ms) + " ms: " + list);
  }

  // Namespaces are made on two threads: the kernel sets one up (its sysctl tables, loopback,
  // per-protocol state) mostly outside RTNL, so a second core nearly halves this step.
  void namespaces() {
    const auto& wanted = plan_.create_namespaces;
    if (wanted.empty()) return;
    say("creating " + std::to_string(wanted.size()) + " namespace(s)");
    step("namespaces", 0, wanted.size());
    std::atomic<size_t> count{0};
    std::vector<char> made(wanted.size(), 0);
    auto create = [&] {
      return [&](size_t i) {
        system_.create_namespace(wanted[i]);
        made[i] = 1;
        // The lab's own namespace: IPv6 usable at once, no duplicate address detection on the
        // interfaces about to appear in it (their link-local addresses would be tentative for a
        // second or more, and routes through a neighbour's link-local address with them).
        for (const char* key : {"net.ipv6.conf.all.accept_dad", "net.ipv6.conf.default.accept_dad"})
          system_.write_sysctl(wanted[i], key, "0");
        this->step("namespaces", ++count, wanted.size());
      };
    };
    auto failure = for_each_index(0, 1, false, create);  // the first alone: it also prepares /run/netns
    if (!failure) failure = for_each_index(1, wanted.size(), wanted.size() > 8, create);
    for (size_t i = 0; i < wanted.size(); ++i) {
      if (!made[i]) continue;
      const auto node = wanted[i];
      undo([this, node] { system_.remove_namespace(node); });
    }
    if (failure) std::rethrow_exception(failure);
  }

  void veths() {
    if (plan_.create_veths.empty()) return;
    say("creating " + std::to_string(plan_.create_veths.size()) + " veth pair(s)");
    step("veth pairs", 0, plan_.create_veths.size());
    netlink::Batch b;
    for (const auto& v : plan_.create_veths) {
      netlink::VethSpec spec{.name = v.a.ifname, .peer_name = v.b.ifname, .mtu = v.a.mtu};
      if (!v.a.ns.empty()) spec.netns_fd = system_.namespace_fd(v.a.ns);
      if (!v.b.ns.empty()) spec.peer_netns_fd = system_.namespace_fd(v.b.ns);
      netlink::add_veth(b, spec);
    }
    // Host ends carry the lab's mark before a backend sees them (it checks ownership).
    for (const auto& v : plan_.create_veths)
      for (const auto* e : {&v.a, &v.b})
        if (e->ns.empty()) netlink::change_link(b, {.name = e->ifname, .alias = link_alias(desired_.lab, v.origin)});
    auto outcomes = system_.send(kHost, b);
    for (size_t i = 0; i < plan_.create_veths.size(); ++i) {
      if (outcomes[i].error) continue;
      const auto v = plan_.create_veths[i];
      undo([this, v] {
        netlink::Batch d;
        netlink::delete_link(d, v.a.ifname);
        system_.execute(v.a.ns, d, kGoneAlready);  // gone with its namespace already: fine
      });
    }
    netlink::check(b, outcomes);
    step("veth pairs", plan_.create_veths.size(), plan_.create_veths.size());
  }

  // The backends attach ports on a helper thread while this one configures the namespaces: the
  // two share nothing (a port needs its veth, made before; the insides of the namespaces need no
  // port), and on OVS most of attaching is waiting for ovs-vswitchd, which then overlaps ours.
  void ports_while_configuring() {
    size_t ports = 0, attached = 0;
    for (const auto& [name, changes] : plan_.ports) {
      say("ports on " + name + ": " + std::to_string(changes.attach_ports.size() + changes.add_patches.size()));
      ports += changes.attach_ports.size() + changes.add_patches.size();
    }
    std::exception_ptr port_failure;
    auto attach = [&] {
      try {
        for (const auto& [name, changes] : plan_.ports) {
          backend::Changes inverse;  // journaled first, like bridges()
          // A port that was there already gets its settings back; one attached anew leaves.
          const backend::Changes* restore = nullptr;
          if (auto r = plan_.restore.find(name); r != plan_.restore.end()) restore = &r->second;
          auto restored = [&](const std::string& port) {
            return restore && std::any_of(restore->attach_ports.begin(), restore->attach_ports.end(),
                                          [&](const auto& x) { return x.name == port; });
          };
          if (restore) {
            inverse.attach_ports = restore->attach_ports;
            inverse.set_mirrors = restore->set_mirrors;
          }
          for (const auto& p : changes.attach_ports)
            if (!restored(p.name)) inverse.detach_ports.push_back({p.bridge, p.name});
          for (const auto& p : changes.add_patches) {
            inverse.remove_patches.push_back({p.bridge_a, p.port_a});
            inverse.remove_patches.push_back({p.bridge_b, p.port_b});
          }
          std::string backend = name;
          undo([this, backend, inverse] { system_.apply(backend, inverse); });
          system_.apply(name, changes);
          attached += changes.attach_ports.size() + changes.add_patches.size();
          step("ports", attached, ports);
        }
      } catch (...) {
        port_failure = std::current_exception();
      }
    };
    std::thread porter;
    if (!plan_.ports.empty()) {
      step("ports", 0, ports);
      if (options_.overlap_ports && !plan_.ports_first) porter = std::thread(attach);
      else attach();
    }
    if (port_failure && plan_.ports_first) std::rethrow_exception(port_failure);
    std::exception_ptr configure_failure;
    try {
      configure();
    } catch (...) {
      configure_failure = std::current_exception();
    }
    if (porter.joinable()) porter.join();
    if (port_failure) std::rethrow_exception(port_failure);
    if (configure_failure) std::rethrow_exception(configure_failure);
  }

  void configure() {
    size_t total = 0;
    for (const auto& c : plan_.configure) total += !c.empty();
    if (total) say("configuring " + std::to_string(total) + " namespace(s)");
    if (total) step("configuring", 0, total);
    // Two threads share a big lab's namespaces (each enters its own with setns): the kernel
    // takes RTNL for each batch, but entering a namespace, opening its socket, its link dump and
    // building the batch run beside the other thread's batch. A small lab (and every test that
    // counts steps) keeps one thread and a fixed order.
    std::atomic<size_t> done{0};
    auto configure = [&] {
      return [&](size_t i) {
        const auto& c = plan_.configure[i];
        configure_one(c);
        if (!c.empty()) step("configuring", ++done, total);
      };
    };
    auto failure = for_each_index(0, plan_.configure.size(), plan_.configure.size() >= kThreadedConfigure, configure);
    if (failure) std::rethrow_exception(failure);
  }

  void configure_one(const NamespaceChanges& c) {
    bool ns_exists = system_.namespace_exists(c.node);
    if (ns_exists && (c.lo_up || !c.create_vlans.empty() || !c.configure_links.empty() || !c.add_addresses.empty() || !c.delete_addresses.empty() ||
                      !c.add_routes.empty() || !c.delete_routes.empty() || !c.qdiscs.empty()))
      configure_links_addresses_routes(c);
    for (const auto& l : c.configure_links)
      if (l.tx_checksum_off) system_.set_tx_checksum(c.node, l.ifname, false);
    for (const auto& [key, value] : c.sysctls) {
      std::string before = system_.read_sysctl(c.node, key);
      system_.write_sysctl(c.node, key, value);
      std::string node = c.node, k = key;
      undo([this, node, k, before] { system_.write_sysctl(node, k, before); });
    }
    if (c.resolv_conf) {
      bool existed = system_.resolv_conf_exists(c.node);
      system_.write_resolv_conf(c.node, c.resolv_conf->first, c.resolv_conf->second);
      std::string node = c.node;
      if (!existed) undo([this, node] { system_.remove_etc(node); });
    }
    if (c.remove_resolv_conf) system_.remove_etc(c.node);
  }

  // VLAN subinterfaces on their parents (by ifindex: the veths may be this run's), one batch.
  void create_vlans(const NamespaceChanges& c, const std::map<std::string, int>& index) {
    netlink::Batch b;
    for (const auto& v : c.create_vlans) {
      auto parent = index.find(v.parent);
      if (parent == index.end())
        throw Error("create VLAN " + std::to_string(v.id) + " device " + where(c.node, v.ifname) + ": its parent " + v.parent +
                    " is not there");
      netlink::VlanSpec spec{.name = v.ifname, .parent = parent->second, .id = v.id};  // MTU: configure batch
      if (v.mac) spec.mac = netlink::parse_mac(*v.mac);
      netlink::add_vlan(b, spec);
    }
    // The kernel does not take IFLA_IFALIAS with a new link: marked right after, in the same batch.
    for (const auto& v : c.create_vlans) netlink::change_link(b, {.name = v.ifname, .alias = link_alias(desired_.lab, v.origin)});
    auto outcomes = system_.send(c.node, b);
    std::vector<std::string> made;
    for (size_t i = 0; i < c.create_vlans.size(); ++i)
      if (!outcomes[i].error) made.push_back(c.create_vlans[i].ifname);
    if (!made.empty()) {
      std::string node = c.node;
      undo([this, node, made] {
        netlink::Batch d;
        for (const auto& name : made) netlink::delete_link(d, name);
        system_.execute(node, d, kGoneAlready);  // gone with its parent or namespace already: fine
      });
    }
    netlink::check(b, outcomes, {}, c.node.empty() ? "in host" : "in namespace " + c.node);
  }

  void configure_links_addresses_routes(const NamespaceChanges& c) {
    std::map<std::string, int> index;
    auto read_index = [&] {
      index.clear();
      for (const auto& l : system_.links(c.node)) index[l.name] = l.index;
    };
    read_index();
    if (!c.create_vlans.empty()) {
      create_vlans(c, index);
      read_index();
    }
    auto idx = [&](const std::string& name) {
      auto it = index.find(name);
      if (it == index.end()) throw Error("configure " + where(c.node, name) + ": no such interface");
      return it->second;
    };
    netlink::Batch b;
    if (c.lo_up) netlink::change_link(b, {.name = "lo", .up = true});
    for (const auto& l : c.configure_links) {
      netlink::LinkChange ch{.index = idx(l.ifname), .name = l.ifname, .up = l.up, .mtu = l.mtu, .alias = l.alias};
      if (l.mac) ch.mac = netlink::parse_mac(*l.mac);
      netlink::change_link(b, ch);
    }
    for (const auto& [ifname, p] : c.delete_addresses) netlink::delete_address(b, idx(ifname), where(c.node, ifname), p);
    size_t first_add = b.size();
    for (const auto& [ifname, p] : c.add_addresses) netlink::add_address(b, idx(ifname), where(c.node, ifname), p);
    for (const auto& r : c.delete_routes) netlink::delete_route(b, r.route);
    size_t first_route = b.size();
    std::vector<netlink::Route> routes;  // with their devices resolved
    for (const auto& r : c.add_routes) {
      auto route = r.route;
      if (!r.dev.empty()) route.oif = idx(r.dev);
      netlink::add_route(b, route);
      routes.push_back(route);
    }
    size_t first_qdisc = b.size();
    for (const auto& q : c.qdiscs) {
      if (!q.impairment.empty()) netlink::replace_root_qdisc(b, idx(q.ifname), q.ifname, q.impairment);
      else netlink::delete_root_qdisc(b, idx(q.ifname), q.ifname, q.before ? q.before->handle : 0);
    }
    auto outcomes = system_.send(c.node, b);
    journal_qdiscs(c, outcomes, first_qdisc, idx);
    // Journal what took, so a failure anywhere (here included) is undone.
    std::vector<std::pair<int, std::pair<std::string, IpPrefix>>> added_addresses;
    for (size_t i = 0; i < c.add_addresses.size(); ++i)
      if (!outcomes[first_add + i].error) added_addresses.push_back({idx(c.add_addresses[i].first), c.add_addresses[i]});
    std::vector<netlink::Route> added_routes;
    for (size_t i = 0; i < routes.size(); ++i)
      if (!outcomes[first_route + i].error) added_routes.push_back(routes[i]);
    if (!added_addresses.empty() || !added_routes.empty()) {
      std::string node = c.node;
      undo([this, node, added_addresses, added_routes] {
        netlink::Batch d;
        for (const auto& r : added_routes) netlink::delete_route(d, r);
        for (const auto& [index, a] : added_addresses) netlink::delete_address(d, index, a.first, a.second);
        system_.send(node, d);  // links may be gone already: best effort
      });
    }
    netlink::check(b, outcomes, {}, c.node.empty() ? "in host" : "in namespace " + c.node);
  }

  // The inverse of a root qdisc change is what was there: nswire's own impairment as it was, or
  // (the kernel's default, or a root set by hand, which nswire cannot rebuild) the default.
  template <class Index>
  void journal_qdiscs(const NamespaceChanges& c, const std::vector<netlink::Outcome>& outcomes, size_t first, Index idx) {
    std::vector<std::pair<int, QdiscChange>> took;
    for (size_t i = 0; i < c.qdiscs.size(); ++i)
      if (!outcomes[first + i].error) took.push_back({idx(c.qdiscs[i].ifname), c.qdiscs[i]});
    if (took.empty()) return;
    std::string node = c.node;
    undo([this, node, took] {
      netlink::Batch d;
      for (const auto& [index, q] : took) {
        if (q.before && q.before->is_ours()) netlink::replace_root_qdisc(d, index, q.ifname, *q.before->impairment);
        else if (!q.impairment.empty())
          netlink::delete_root_qdisc(d, index, q.ifname, q.impairment.rate_only() ? netlink::kTbfHandle : netlink::kNetemHandle);
      }
      system_.send(node, d);  // links may be gone already: best effort
    });
  }

  const Desired& desired_;
  const Plan& plan_;
  System& system_;
  const ApplyOptions& options_;
  std::mutex journal_lock_;
  std::mutex step_lock_;
  std::vector<std::function<void()>> journal_;
};

}  // namespace

void apply_plan(const Desired& desired, const Plan& plan, System& system, const ApplyOptions& options) {
  Applier(desired, plan, system, options).run();
}

}  // namespace nswire::reconcile
