// The planner's entry points and the names of its actions; see include/nswire/reconcile/plan.h.
// The planning itself is split by job: plan_ownership.cpp, plan_objects.cpp, plan_configure.cpp.
#include "nswire/reconcile/plan.h"

#include "nswire/error.h"
#include "planner.h"

#include <memory>
#include <unordered_map>

namespace nswire::reconcile {

const char* to_string(Action::Op op) {
  switch (op) {
    case Action::Op::create: return "create";
    case Action::Op::modify: return "modify";
    case Action::Op::remove: return "remove";
  }
  return "?";
}

const char* to_string(Action::Kind kind) {
  switch (kind) {
    case Action::Kind::namespace_: return "namespace";
    case Action::Kind::bridge: return "bridge";
    case Action::Kind::veth: return "veth";
    case Action::Kind::port: return "port";
    case Action::Kind::patch: return "patch";
    case Action::Kind::link: return "link";
    case Action::Kind::address: return "address";
    case Action::Kind::route: return "route";
    case Action::Kind::sysctl: return "sysctl";
    case Action::Kind::dns: return "dns";
    case Action::Kind::mirror: return "mirror";
    case Action::Kind::tunnel: return "tunnel";
    case Action::Kind::qdisc: return "qdisc";
  }
  return "?";
}

struct ObservedNamespace::LinkIndex {
  const netlink::Link* data = nullptr;
  size_t size = 0;
  std::unordered_map<std::string, size_t> by_name;
  std::unordered_map<int, size_t> by_index;
};

namespace {
constexpr size_t kIndexedLinks = 64;  // below this a scan is as quick, and tests may edit links in place

const ObservedNamespace::LinkIndex& index_of(const ObservedNamespace& o) {
  if (!o.link_index || o.link_index->data != o.links.data() || o.link_index->size != o.links.size()) {
    auto index = std::make_shared<ObservedNamespace::LinkIndex>();
    index->data = o.links.data();
    index->size = o.links.size();
    for (size_t i = 0; i < o.links.size(); ++i) {
      index->by_name.emplace(o.links[i].name, i);
      index->by_index.emplace(o.links[i].index, i);
    }
    o.link_index = std::move(index);
  }
  return *o.link_index;
}
}  // namespace

const netlink::Link* ObservedNamespace::link(const std::string& name) const {
  if (links.size() >= kIndexedLinks) {
    const auto& index = index_of(*this);
    auto it = index.by_name.find(name);
    if (it == index.by_name.end()) return nullptr;
    if (links[it->second].name == name) return &links[it->second];
  }
  for (const auto& l : links)
    if (l.name == name) return &l;
  return nullptr;
}

const netlink::Link* ObservedNamespace::link(int index) const {
  if (links.size() >= kIndexedLinks) {
    const auto& table = index_of(*this);
    auto it = table.by_index.find(index);
    if (it == table.by_index.end()) return nullptr;
    if (links[it->second].index == index) return &links[it->second];
  }
  for (const auto& l : links)
    if (l.index == index) return &l;
  return nullptr;
}

const netlink::RootQdisc* ObservedNamespace::qdisc(int ifindex) const {
  for (const auto& q : qdiscs)
    if (q.ifindex == ifindex) return &q;
  return nullptr;
}

void Planner::add(Op op, Kind kind, Action::Ref ref, std::string object, std::string detail) {
  plan_.actions.push_back({op, kind, std::move(ref), std::move(object), std::move(detail)});
}

Plan Planner::up() {
  plan_.record.lab = d_.lab;
  if (obs_.record) plan_.record.file = obs_.record->file;
  check_foreign();
  plan_removals();
  plan_bridges();
  plan_tunnels();
  plan_namespaces();
  plan_veths();
  plan_vlans();
  plan_ports();
  plan_patches();
  plan_mirrors();
  plan_configuration();
  finish_record();
  return std::move(plan_);
}

Plan Planner::link(const DesiredVeth& v) {
  if (!judge_.paired(v))
    throw Error("link " + where(v.a.ns, v.a.ifname) + " <-> " + where(v.b.ns, v.b.ifname) + " (" + v.origin +
                ") is missing or broken; `nswire up` makes it again");
  plan_.record.lab = d_.lab;
  if (obs_.record) plan_.record = *obs_.record;
  focus_ = {{v.a.ns, v.a.ifname}, {v.b.ns, v.b.ifname}};
  plan_ports();
  plan_configuration();
  return std::move(plan_);
}

Plan Planner::down() {
  plan_.record.lab = d_.lab;
  plan_removals();
  plan_configuration_removals_only();
  return std::move(plan_);
}

Plan plan_up(const Desired& desired, const Observed& observed) { return Planner(desired, observed).up(); }

Plan plan_link(const Desired& desired, const Observed& observed, const DesiredVeth& veth) {
  return Planner(desired, observed).link(veth);
}

Plan plan_down(const std::string& lab, const Observed& observed, const backend::Catalog& backends) {
  Desired nothing;
  nothing.lab = lab;
  nothing.backends = backends;
  nothing.namespaces.push_back({.node = kHost});
  return Planner(nothing, observed).down();
}

}  // namespace nswire::reconcile
