// The planner's entry points and the names of its actions; see include/nswire/reconcile/plan.h.
// The planning itself is split by job: plan_ownership.cpp, plan_objects.cpp, plan_configure.cpp.
#include "nswire/reconcile/plan.h"

#include "planner.h"

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
  }
  return "?";
}

const netlink::Link* ObservedNamespace::link(const std::string& name) const {
  for (const auto& l : links)
    if (l.name == name) return &l;
  return nullptr;
}

const netlink::Link* ObservedNamespace::link(int index) const {
  for (const auto& l : links)
    if (l.index == index) return &l;
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
  plan_ports();
  plan_patches();
  plan_mirrors();
  plan_configuration();
  finish_record();
  return std::move(plan_);
}

Plan Planner::down() {
  plan_.record.lab = d_.lab;
  plan_removals();
  plan_configuration_removals_only();
  return std::move(plan_);
}

Plan plan_up(const Desired& desired, const Observed& observed) { return Planner(desired, observed).up(); }

Plan plan_down(const std::string& lab, const Observed& observed, const backend::Catalog& backends) {
  Desired nothing;
  nothing.lab = lab;
  nothing.backends = backends;
  nothing.namespaces.push_back({.node = kHost});
  return Planner(nothing, observed).down();
}

}  // namespace nswire::reconcile
