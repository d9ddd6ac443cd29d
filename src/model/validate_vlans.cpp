// VLAN subinterfaces (Node::subinterfaces): an 802.1Q device on one of the node's interfaces that
// are on a bridge. What its parent's port lets through is the bridge's business: a warning when
// the file says that port drops the VLAN.
#include <algorithm>

#include "validator.h"

namespace nswire::model {

void Validator::check_subinterface(const Node& n, const Interface& i, const std::string& node_ctx) {
  std::string ctx = node_ctx + ": interface " + quoted(i.name);
  check_interface_basics(i, node_ctx, ctx);
  if (!i.bridge.empty())
    error(i.loc, ctx, "a VLAN subinterface (parent " + quoted(i.parent) + ") sends through its parent, not a bridge: drop \"bridge\"");
  if (!i.option_keys.empty())
    error(i.option_keys.begin()->second, ctx,
          quoted(i.option_keys.begin()->first) + " is a setting of a bridge port: a VLAN subinterface has no port (set it on " +
              quoted(i.parent) + ")");
  if (i.impairment)
    error(i.impairment->loc, ctx, "netem/rate on a VLAN subinterface are not supported: impair its parent " + quoted(i.parent));
  if (!i.vlan) {
    error(i.loc, ctx, "needs \"vlan\" (the VLAN id it tags with), or a name " + quoted(i.parent + ".VID"));
  } else if (*i.vlan < 1 || *i.vlan > 4094) {
    error(i.loc, ctx, "vlan " + std::to_string(*i.vlan) + " out of range 1..4094");
  }

  const Interface* parent = find_interface(n, i.parent);
  if (!parent) {
    bool nested = std::any_of(n.subinterfaces.begin(), n.subinterfaces.end(), [&](const Interface& s) { return s.name == i.parent; });
    std::vector<std::string> names;
    for (const auto& x : n.interfaces) names.push_back(x.name);
    std::string hint = nested ? "" : suggest(i.parent, names);
    error(i.loc, ctx,
          nested ? "parent " + quoted(i.parent) + " is itself a VLAN subinterface: stacked VLANs (QinQ) are not supported"
                 : "parent " + quoted(i.parent) + " is not an interface of the node on a bridge" +
                       (hint.empty() ? "" : " (did you mean " + quoted(hint) + "?)"));
    return;
  }
  if (i.mtu) {
    int carried = parent->mtu.value_or(1500);
    if (*i.mtu > carried)
      error(i.loc, ctx, "mtu " + std::to_string(*i.mtu) + " exceeds its parent's (" + quoted(parent->name) + ": " +
                            std::to_string(carried) + ")");
  }
  for (const auto& other : n.subinterfaces) {
    if (&other == &i) break;
    if (other.parent == i.parent && other.vlan && i.vlan && *other.vlan == *i.vlan)
      error(i.loc, ctx, "VLAN " + std::to_string(*i.vlan) + " on " + quoted(i.parent) + " is already interface " +
                            quoted(other.name));
  }
  // Whether the parent's port carries the VLAN tagged, as far as the file says.
  if (!i.vlan || *i.vlan < 1 || *i.vlan > 4094) return;
  const auto& trunks = parent->port.trunks;
  bool access = parent->vlan && trunks.empty() && (parent->port.vlan_mode.empty() || parent->port.vlan_mode == "access");
  bool untrunked = !trunks.empty() && std::find(trunks.begin(), trunks.end(), static_cast<int64_t>(*i.vlan)) == trunks.end();
  const backend::Traits* traits = nullptr;
  if (auto b = bridges_.find(parent->bridge); b != bridges_.end()) traits = traits_of(*b->second);
  if (traits && !traits->trunks) {
    error(i.loc, ctx, "its parent " + quoted(parent->name) + " is on " + quoted(parent->bridge) + ", and the " +
                          effective_backend(lab_, *bridges_.at(parent->bridge)) +
                          " backend carries no tagged frames on a port (no trunks): VLAN " + std::to_string(*i.vlan) +
                          " could never pass");
    return;
  }
  if (access)
    warning(i.loc, ctx, "its parent " + quoted(parent->name) + " is an access port of VLAN " + std::to_string(*parent->vlan) +
                            " on " + quoted(parent->bridge) + ": frames tagged " + std::to_string(*i.vlan) +
                            " are dropped there (give " + quoted(parent->name) + " trunks: [" + std::to_string(*i.vlan) + "])");
  else if (untrunked)
    warning(i.loc, ctx, "VLAN " + std::to_string(*i.vlan) + " is not among the trunks of its parent " + quoted(parent->name) +
                            " on " + quoted(parent->bridge) + ": its frames are dropped there");
  else if (traits && traits->trunks_listed && trunks.empty())
    // A Linux bridge filters VLANs as soon as one of its ports uses them; then an untrunked port
    // carries VLAN 1 untagged alone.
    warning(i.loc, ctx, "its parent " + quoted(parent->name) + " lists no trunks: the " +
                            effective_backend(lab_, *bridges_.at(parent->bridge)) + " bridge " + quoted(parent->bridge) +
                            " drops its tagged frames once a port there uses VLANs (give " + quoted(parent->name) +
                            " trunks: [" + std::to_string(*i.vlan) + "])");
}

}  // namespace nswire::model
