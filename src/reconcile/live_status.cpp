// Bridges and nodes as one live state each; see include/nswire/reconcile/live_status.h. Every
// verdict is read from typed values (the rows' kind and object for bridges and namespaces, the
// actions' Ref for the rest), never from text meant for people.
#include "nswire/reconcile/live_status.h"

namespace nswire::reconcile {
namespace {

using model::LiveState;

void worsen(std::map<std::string, LiveState>& states, const std::string& name, LiveState s) {
  auto it = states.find(name);
  if (it != states.end() && static_cast<int>(s) > static_cast<int>(it->second)) it->second = s;
}

}  // namespace

model::LiveStatus live_status(const Desired& desired, const std::vector<ObjectStatus>& objects, const Plan& drift) {
  model::LiveStatus live;
  for (const auto& b : desired.bridges) live.bridges[b.name] = LiveState::as_wanted;
  for (const auto& n : desired.namespaces)
    if (!n.node.empty()) live.nodes[n.node] = LiveState::as_wanted;

  for (const auto& o : objects) {
    if (o.ok) continue;
    if (o.kind == "bridge") worsen(live.bridges, o.object, o.live == "missing" ? LiveState::missing : LiveState::drifting);
    if (o.kind == "namespace") worsen(live.nodes, o.object, LiveState::missing);
  }
  // The ends of a veth and the bridges its host ends plug into.
  auto veth_of = [&](const Action::Ref& ref) -> const DesiredVeth* {
    for (const auto& v : desired.veths)
      if ((v.a.ns == ref.ns && v.a.ifname == ref.name) || (v.b.ns == ref.ns && v.b.ifname == ref.name)) return &v;
    return nullptr;
  };
  for (const auto& a : drift.actions) {
    switch (a.kind) {
      case Action::Kind::bridge: worsen(live.bridges, a.ref.name, LiveState::drifting); break;
      case Action::Kind::namespace_: worsen(live.nodes, a.ref.name, LiveState::drifting); break;
      case Action::Kind::port:
      case Action::Kind::veth:
        if (const auto* v = veth_of(a.ref)) {
          for (const auto* e : {&v->a, &v->b}) {
            worsen(live.nodes, e->ns, LiveState::drifting);
            if (!e->bridge.empty()) worsen(live.bridges, e->bridge, LiveState::drifting);
          }
        }
        worsen(live.nodes, a.ref.ns, LiveState::drifting);
        break;
      default: worsen(live.nodes, a.ref.ns, LiveState::drifting); break;
    }
  }
  return live;
}

}  // namespace nswire::reconcile
