// VLAN subinterfaces (Node::subinterfaces): an 802.1Q device on one of the node's interfaces that
// are on a bridge. What its parent's port lets through is the bridge's business: a warning when
// the file says that port drops the VLAN.
#include <algorithm>

#include "nswire/netlink/rules.h"
#include "validator.h"

namespace nswire::model {

void Validator::check_subinterface(const Node& n, const Interface& i, const std::string& node_ctx) {
  std::string ctx = node_ctx + ": interface " + quoted(i.name);
  if (auto p = netlink::interface_name_problem(i.name); !p.empty()) {
    error(i.loc, node_ctx, "interface name " + quoted(i.name) + " " + p);
  } else if (i.name == "lo") {
    error(i.loc, node_ctx, "interface name \"lo\" is the namespace's loopback");
  }
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
  if (i.mtu && (*i.mtu < 68 || *i.mtu > 65535)) error(i.loc, ctx, "mtu " + std::to_string(*i.mtu) + " out of range 68..65535");
  if (i.mac)
    if (auto p = netlink::mac_problem(*i.mac); !p.empty()) error(i.loc, ctx, "mac " + quoted(*i.mac) + " " + p);

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
  if (access)
    warning(i.loc, ctx, "its parent " + quoted(parent->name) + " is an access port of VLAN " + std::to_string(*parent->vlan) +
                            " on " + quoted(parent->bridge) + ": frames tagged " + std::to_string(*i.vlan) +
                            " are dropped there (give " + quoted(parent->name) + " trunks: [" + std::to_string(*i.vlan) + "])");
  else if (untrunked)
    warning(i.loc, ctx, "VLAN " + std::to_string(*i.vlan) + " is not among the trunks of its parent " + quoted(parent->name) +
                            " on " + quoted(parent->bridge) + ": its frames are dropped there");
}

}  // namespace nswire::model
