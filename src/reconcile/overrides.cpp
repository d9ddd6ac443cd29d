// Link overrides over the desired state; see include/nswire/reconcile/overrides.h.
#include "nswire/reconcile/overrides.h"

#include <algorithm>

namespace nswire::reconcile {
namespace {

bool on(const LinkOverride& o, const VethEnd& e) { return o.ns == e.ns && o.ifname == e.ifname; }

LinkOverride& entry(std::vector<LinkOverride>& overrides, const std::string& name, const VethEnd& e) {
  for (auto& o : overrides)
    if (on(o, e)) return o;
  overrides.push_back({.link = name, .ns = e.ns, .ifname = e.ifname});
  return overrides.back();
}

// Entries that override nothing go.
void prune(std::vector<LinkOverride>& overrides) {
  std::erase_if(overrides, [](const LinkOverride& o) { return !o.impairment && !o.down; });
}

}  // namespace

Desired with_overrides(Desired desired, const std::vector<LinkOverride>& overrides) {
  for (auto& v : desired.veths)
    for (auto* e : {&v.a, &v.b})
      for (const auto& o : overrides) {
        if (!on(o, *e)) continue;
        if (o.impairment) {
          e->impairment = *o.impairment;
          e->impairment_overridden = true;
        }
        e->down = o.down;
      }
  return desired;
}

void override_impairment(std::vector<LinkOverride>& overrides, const std::string& name, const DesiredVeth& veth,
                         bool named_a, Direction direction, const netlink::Impairment& impairment) {
  const VethEnd& named = named_a ? veth.a : veth.b;
  const VethEnd& peer = named_a ? veth.b : veth.a;
  if (direction != Direction::in) entry(overrides, name, named).impairment = impairment;
  if (direction != Direction::out) entry(overrides, name, peer).impairment = impairment;
}

void override_down(std::vector<LinkOverride>& overrides, const std::string& name, const DesiredVeth& veth, bool fault_a) {
  entry(overrides, name, fault_a ? veth.a : veth.b).down = true;
}

void clear_down(std::vector<LinkOverride>& overrides, const DesiredVeth& veth) {
  for (auto& o : overrides)
    if (on(o, veth.a) || on(o, veth.b)) o.down = false;
  prune(overrides);
}

void clear_overrides(std::vector<LinkOverride>& overrides, const DesiredVeth& veth) {
  std::erase_if(overrides, [&](const LinkOverride& o) { return on(o, veth.a) || on(o, veth.b); });
}

std::string describe(const LinkOverride& o) {
  std::string s = o.link + ": " + where(o.ns, o.ifname);
  if (o.down) s += " down";
  if (o.impairment) s += std::string(o.down ? "," : "") + " egress " + netlink::describe(*o.impairment);
  return s;
}

}  // namespace nswire::reconcile
