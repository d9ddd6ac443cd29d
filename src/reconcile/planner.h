// The planner's working state, shared by the files that plan by job: plan_ownership.cpp (what
// is someone else's, and what the lab no longer wants), plan_objects.cpp (bridges, namespaces,
// veths, ports, patches) and plan_configure.cpp (inside each namespace). Internal to
// src/reconcile; the entry points are plan.h's plan_up / plan_down.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "judge.h"
#include "nswire/reconcile/plan.h"

namespace nswire::reconcile {

class Planner {
 public:
  Planner(const Desired& desired, const Observed& observed) : d_(desired), obs_(observed), judge_(desired, observed) {
    for (const auto& v : d_.veths)
      for (const auto* e : {&v.a, &v.b}) ends_by_ns_[e->ns].push_back({&v, e});
    for (const auto& v : d_.vlans) vlans_by_ns_[v.ns].push_back(&v);
  }

  Plan up();
  Plan down();
  // Only the two ends of `veth` (plan_link).
  Plan link(const DesiredVeth& veth);

 private:
  using Op = Action::Op;
  using Kind = Action::Kind;
  // (namespace, interface): a link this plan deletes, creates, or deletes to create anew.
  using LinkKey = std::pair<std::string, std::string>;

  // The veth ends in a namespace, in the lab's order (each namespace's planning looks only at
  // its own: scanning every veth per namespace made planning quadratic in the lab's size).
  using EndIn = std::pair<const DesiredVeth*, const VethEnd*>;
  const std::vector<EndIn>& ends_in(const std::string& node) const {
    static const std::vector<EndIn> none;
    auto it = ends_by_ns_.find(node);
    return it == ends_by_ns_.end() ? none : it->second;
  }
  const std::vector<const DesiredVlan*>& vlans_in(const std::string& node) const {
    static const std::vector<const DesiredVlan*> none;
    auto it = vlans_by_ns_.find(node);
    return it == vlans_by_ns_.end() ? none : it->second;
  }
  void add(Op op, Kind kind, Action::Ref ref, std::string object, std::string detail = {});
  const ObservedNamespace& ns(const std::string& node) const { return judge_.ns(node); }
  const backend::Traits& traits(const std::string& backend) const { return d_.traits(backend); }

  // plan_ownership.cpp
  void check_foreign();
  void plan_removals();
  void plan_backend_removals();
  void plan_leftover_devices();
  // plan_objects.cpp
  void plan_bridges();
  void plan_tunnels();
  void plan_namespaces();
  void plan_veths();
  void plan_vlans();
  void plan_ports();
  void plan_patches();
  // plan_switch.cpp
  void plan_mirrors();

  // plan_configure.cpp
  void plan_configuration();
  void plan_links(const DesiredNamespace& n, NamespaceChanges& c);
  void plan_vlan_links(const DesiredNamespace& n, NamespaceChanges& c);
  void plan_addresses(const DesiredNamespace& n, NamespaceChanges& c);
  void plan_routes(const DesiredNamespace& n, NamespaceChanges& c, bool fresh_ns);
  void plan_sysctls_and_dns(const DesiredNamespace& n, NamespaceChanges& c);
  // plan_impair.cpp: root qdiscs of the veth ends in the namespace.
  void plan_qdiscs(const DesiredNamespace& n, NamespaceChanges& c);
  // plan_link: only these ends are planned (every end when empty).
  bool focused(const std::string& node, const std::string& ifname) const {
    return focus_.empty() || focus_.count({node, ifname}) > 0;
  }
  void plan_configuration_removals_only();
  // A namespace that goes takes its /etc/netns directory along when nswire wrote there: a
  // resolv.conf, or the temporary file of a write killed before its rename.
  void plan_etc_of_removed_namespaces();
  bool route_goes(const std::string& node, const netlink::Route& h) const;
  void finish_record();

  const Desired& d_;
  const Observed& obs_;
  Judge judge_;
  Plan plan_;
  std::set<LinkKey> deleted_, created_, rebuilt_;
  std::set<std::string> reattached_;  // ports that leave their bridge to be attached again (phase 1, 7)
  std::set<std::string> attached_;    // ports this plan attaches (or sets) in phase 7
  std::set<LinkKey> focus_;           // plan_link's two ends; empty: the whole lab
  std::map<std::string, std::vector<EndIn>> ends_by_ns_;
  std::map<std::string, std::vector<const DesiredVlan*>> vlans_by_ns_;
};

}  // namespace nswire::reconcile
