// Whole-lab checks of the switch settings: what the serving backend can do (by its traits: a
// bridge or port setting it cannot serve is refused where it is written), VLAN modes that make
// sense together, and mirrors that name interfaces on their own bridge.
#include <set>

#include "validator.h"

namespace nswire::model {

using backend::PolicingSpec;
namespace {

// The trait a switch-setting key needs, and what it is called in a refusal.
struct Need {
  bool backend::Traits::*trait;
  const char* what;
};

const std::map<std::string, Need>& bridge_needs() {
  static const std::map<std::string, Need> m{
      {"controller", {&backend::Traits::openflow, "OpenFlow controllers"}},
      {"inactivity_probe", {&backend::Traits::openflow, "OpenFlow controllers"}},
      {"fail_mode", {&backend::Traits::openflow, "OpenFlow fail modes"}},
      {"protocols", {&backend::Traits::openflow, "OpenFlow protocols"}},
      {"datapath_id", {&backend::Traits::openflow, "OpenFlow datapath ids"}},
      {"other_config", {&backend::Traits::passthrough, "other_config"}},
      {"external_ids", {&backend::Traits::passthrough, "external_ids"}},
      {"mirrors", {&backend::Traits::mirrors, "port mirrors"}},
      {"sflow", {&backend::Traits::flow_export, "sFlow export"}},
      {"ipfix", {&backend::Traits::flow_export, "IPFIX export"}},
  };
  return m;
}

const std::map<std::string, Need>& port_needs() {
  static const std::map<std::string, Need> m{
      {"trunks", {&backend::Traits::trunks, "trunks"}},
      {"vlan_mode", {&backend::Traits::trunks, "VLAN modes"}},
      {"qos", {&backend::Traits::egress_shaping, "egress shaping (qos)"}},
      {"policing", {&backend::Traits::ingress_policing, "ingress policing"}},
  };
  return m;
}

}  // namespace

void Validator::check_bridge_options(const Bridge& b) {
  std::string ctx = "bridge " + quoted(b.name);
  const auto* traits = traits_of(b);
  if (traits) {
    const std::string& backend = effective_backend(lab_, b);
    for (const auto& [key, where] : b.option_keys) {
      auto it = bridge_needs().find(key);
      if (it != bridge_needs().end() && !(traits->*(it->second.trait)))
        error(where, ctx, key + ": the " + backend + " backend has no " + it->second.what);
    }
  }
  if (b.option_keys.count("inactivity_probe") && b.options.controllers.empty())
    error(b.option_keys.at("inactivity_probe"), ctx, "inactivity_probe: there is no controller to probe");
  std::set<std::string> names;
  for (const auto& m : b.mirrors) {
    std::string mctx = ctx + ": mirror " + quoted(m.name);
    if (!names.insert(m.name).second) error(m.loc, ctx, "mirror " + quoted(m.name) + " is defined twice");
    // Each port it names is a node interface plugged into this bridge.
    auto on_bridge = [&](const std::string& text, const char* role) {
      auto colon = text.find(':');
      std::string node = text.substr(0, colon), ifname = text.substr(colon + 1);
      auto n = nodes_.find(node);
      const Interface* i = n == nodes_.end() ? nullptr : find_interface(*n->second, ifname);
      if (!i) {
        error(m.loc, mctx, std::string(role) + " " + quoted(text) + " is not an interface of a node");
      } else if (i->bridge != b.name) {
        error(m.loc, mctx, std::string(role) + " " + quoted(text) + " is on bridge " + quoted(i->bridge) + ", not on " +
                               quoted(b.name));
      }
    };
    for (const auto& s : m.src) on_bridge(s, "src");
    for (const auto& s : m.dst) on_bridge(s, "dst");
    if (!m.output.empty()) {
      on_bridge(m.output, "output");
      bool selected = std::count(m.src.begin(), m.src.end(), m.output) || std::count(m.dst.begin(), m.dst.end(), m.output);
      if (selected) error(m.loc, mctx, "output " + quoted(m.output) + " is also a mirrored port");
    }
  }
}

void Validator::check_port_options(const Interface& i, const std::string& ctx) {
  const auto it = bridges_.find(i.bridge);
  if (it != bridges_.end())
    if (const auto* traits = traits_of(*it->second)) {
      const std::string& backend = effective_backend(lab_, *it->second);
      for (const auto& [key, where] : i.option_keys) {
        auto need = port_needs().find(key);
        if (need != port_needs().end() && !(traits->*(need->second.trait)))
          error(where, ctx, key + ": the " + backend + " backend (bridge " + quoted(i.bridge) + ") has no " +
                                need->second.what);
      }
    }
  const auto& o = i.port;
  bool native = o.vlan_mode == "native-tagged" || o.vlan_mode == "native-untagged";
  Location where = i.option_keys.count("vlan_mode") ? i.option_keys.at("vlan_mode") : i.loc;
  if (native && !i.vlan) error(where, ctx, "vlan_mode " + o.vlan_mode + " needs \"vlan\" (the native VLAN)");
  if (!native && i.vlan && !o.trunks.empty())
    error(i.option_keys.count("trunks") ? i.option_keys.at("trunks") : i.loc, ctx,
          "\"vlan\" with \"trunks\" needs vlan_mode native-tagged or native-untagged (vlan is the native VLAN)");
  if (o.vlan_mode == "access" && !o.trunks.empty()) error(where, ctx, "vlan_mode access carries no trunks");
  if (o.vlan_mode == "trunk" && i.vlan) error(where, ctx, "vlan_mode trunk has no access VLAN (drop \"vlan\")");
  if (o.vlan_mode == "trunk" && o.trunks.empty() && it != bridges_.end())
    if (const auto* traits = traits_of(*it->second); traits && traits->trunks_listed)
      error(where, ctx, "vlan_mode trunk without \"trunks\": the " + effective_backend(lab_, *it->second) +
                            " backend (bridge " + quoted(i.bridge) + ") carries only the VLANs a trunk lists");
  if (o.policing && o.policing->rate_kbps == 0)
    error(i.option_keys.at("policing"), ctx, "policing: rate must be above 0");
}

}  // namespace nswire::model
