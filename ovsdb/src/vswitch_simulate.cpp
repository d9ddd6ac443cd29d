// Batch::simulate: ovs-vsctl-like commands applied, in order, to a model of the Open_vSwitch
// database, with ovs-vsctl's checks and messages (utilities/ovs-vsctl.c). Pure. The planner
// (vswitch_plan.cpp) writes the difference between the model before and after as operations.
#include "ovsdb/error.h"
#include "ovsdb/vswitch.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace ovsdb::vswitch {
namespace {

Bridge* find_bridge(State& s, const std::string& name) {
  for (auto& b : s.bridges)
    if (b.name == name) return &b;
  return nullptr;
}

std::pair<Bridge*, Port*> find_port(State& s, const std::string& name) {
  for (auto& b : s.bridges)
    for (auto& p : b.ports)
      if (p.name == name) return {&b, &p};
  return {nullptr, nullptr};
}

std::pair<Port*, Interface*> find_interface(State& s, const std::string& name) {
  for (auto& b : s.bridges)
    for (auto& p : b.ports)
      for (auto& i : p.interfaces)
        if (i.name == name) return {&p, &i};
  return {nullptr, nullptr};
}

void check_name(const std::string& command, const std::string& what, const std::string& name) {
  if (name.empty()) throw Error(command, "invalid argument", what + " name is empty");
}

void merge(StringMap& into, const StringMap& set, const std::vector<std::string>& remove = {}) {
  for (const auto& k : remove) into.erase(k);
  for (const auto& [k, v] : set) into[k] = v;
}

void check_vlan(const std::string& command, const char* what, std::int64_t vlan, std::int64_t min = 0) {
  if (vlan < min || vlan > 4095)
    throw Error(command, "invalid argument",
                std::string(what) + " " + std::to_string(vlan) + " is outside " + std::to_string(min) + "..4095");
}

void check_tag(const std::string& command, const std::optional<std::int64_t>& tag) {
  if (tag) check_vlan(command, "VLAN tag", *tag);
}

void check_one_of(const std::string& command, const char* what, const std::string& value,
                  const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  throw Error(command, "invalid argument", std::string(what) + " \"" + value + "\" is not one of " + list);
}

// An enum column set from an optional string: "" clears it.
void set_enum(const std::string& command, const char* what, std::optional<std::string>& column,
              const std::optional<std::string>& value, const std::vector<std::string>& allowed) {
  if (!value) return;
  if (value->empty()) {
    column.reset();
    return;
  }
  check_one_of(command, what, *value, allowed);
  column = *value;
}

void check_non_negative(const std::string& command, const char* what, const std::optional<std::int64_t>& v) {
  if (v && *v < 0) throw Error(command, "invalid argument", std::string(what) + " " + std::to_string(*v) + " is negative");
}

template <typename T>
std::vector<T> sorted_unique(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

void sort_ports(Bridge& b) {
  std::sort(b.ports.begin(), b.ports.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
}

void sort_interfaces(Port& p) {
  std::sort(p.interfaces.begin(), p.interfaces.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
}

// vswitch.xml: "must either have a 0x prefix or be exactly 16 hex digits long. May not be all-zero."
void check_datapath_id(const std::string& command, const std::string& id) {
  std::string digits = id.rfind("0x", 0) == 0 ? id.substr(2) : id;
  bool hex = !digits.empty() && digits.size() <= 16 &&
             std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isxdigit(c); });
  bool ok = hex && (id.rfind("0x", 0) == 0 || digits.size() == 16) &&
            digits.find_first_not_of('0') != std::string::npos;
  if (!ok)
    throw Error(command, "invalid argument",
                "datapath-id \"" + id + "\" is not 16 hex digits (or 0x and up to 16), or is all zero");
}

const std::vector<std::string> kProtocols = {"OpenFlow10", "OpenFlow11", "OpenFlow12",
                                             "OpenFlow13", "OpenFlow14", "OpenFlow15"};

// The Qos a port will have: the new spec, keeping the existing rows' uuids where only this port
// uses them, so that changing a rate updates the rows instead of replacing them.
Qos adopt_qos(const State& s, const Port& port, Qos want) {
  want.uuid = {};
  for (auto& [id, q] : want.queues) q.uuid = {};
  if (!port.qos || port.qos->uuid.value.empty()) return want;
  const Qos& have = *port.qos;
  int users = 0;
  std::map<Uuid, int> queue_users;
  for (const auto& b : s.bridges)
    for (const auto& p : b.ports) {
      if (!p.qos) continue;
      if (p.qos->uuid == have.uuid) ++users;
      for (const auto& [id, q] : p.qos->queues) ++queue_users[q.uuid];
    }
  if (users != 1) return want;  // shared with another port: this port gets rows of its own
  want.uuid = have.uuid;
  for (auto& [id, q] : want.queues) {
    auto it = have.queues.find(id);
    if (it != have.queues.end() && queue_users[it->second.uuid] == 1) q.uuid = it->second.uuid;
  }
  return want;
}

void check_qos(const std::string& command, const Qos& q) {
  if (q.type.empty()) throw Error(command, "invalid argument", "QoS type is empty (e.g. linux-htb)");
  for (const auto& [id, queue] : q.queues) {
    if (id < 0 || id > 4294967295LL)
      throw Error(command, "invalid argument", "queue number " + std::to_string(id) + " is outside 0..4294967295");
    if (queue.dscp && (*queue.dscp < 0 || *queue.dscp > 63))
      throw Error(command, "invalid argument", "queue dscp " + std::to_string(*queue.dscp) + " is outside 0..63");
  }
}

void apply_port_settings(const State& s, const std::string& command, Port& p, const PortSettings& c) {
  if (c.trunks) {
    for (auto v : *c.trunks) check_vlan(command, "trunk VLAN", v);
    p.trunks = sorted_unique(*c.trunks);
  }
  set_enum(command, "vlan_mode", p.vlan_mode, c.vlan_mode, {"access", "trunk", "native-tagged", "native-untagged", "dot1q-tunnel"});
  set_enum(command, "bond_mode", p.bond_mode, c.bond_mode, {"active-backup", "balance-slb", "balance-tcp"});
  set_enum(command, "lacp", p.lacp, c.lacp, {"active", "passive", "off"});
  if (c.protected_) p.protected_ = *c.protected_;
  merge(p.other_config, c.set_other_config, c.remove_other_config);
  if (c.clear_qos && c.qos) throw Error(command, "invalid argument", "both a QoS and clear_qos");
  if (c.clear_qos) p.qos.reset();
  if (c.qos) {
    check_qos(command, *c.qos);
    p.qos = adopt_qos(s, p, *c.qos);
  }
}

void apply_interface_settings(const std::string& command, Interface& i, const InterfaceSettings& c) {
  check_non_negative(command, "ingress_policing_rate", c.ingress_policing_rate);
  check_non_negative(command, "ingress_policing_burst", c.ingress_policing_burst);
  if (c.ingress_policing_rate) i.ingress_policing_rate = *c.ingress_policing_rate;
  if (c.ingress_policing_burst) i.ingress_policing_burst = *c.ingress_policing_burst;
  merge(i.other_config, c.set_other_config, c.remove_other_config);
}

void apply_bridge_settings(const std::string& command, Bridge& b, const BridgeSettings& c) {
  if (c.stp_enable) b.stp_enable = *c.stp_enable;
  if (c.controllers) {
    check_non_negative(command, "controller inactivity probe", c.controller_inactivity_probe);
    std::vector<Controller> want;
    for (const auto& t : sorted_unique(*c.controllers)) {
      if (t.empty()) throw Error(command, "invalid argument", "controller target is empty");
      want.push_back(Controller{{}, t, c.controller_external_ids, false, c.controller_inactivity_probe});
    }
    // Like set-controller, but a bridge that has exactly these controllers keeps its rows.
    auto same = [](const Controller& x, const Controller& y) {
      return x.target == y.target && x.inactivity_probe == y.inactivity_probe && x.external_ids == y.external_ids;
    };
    if (!std::equal(want.begin(), want.end(), b.controllers.begin(), b.controllers.end(), same)) b.controllers = want;
  }
  if (c.fail_mode && !c.fail_mode->empty() && *c.fail_mode != "standalone" && *c.fail_mode != "secure")
    throw Error(command, "invalid argument", "fail-mode must be \"standalone\" or \"secure\", not \"" + *c.fail_mode + "\"");
  if (c.fail_mode) b.fail_mode = c.fail_mode->empty() ? std::nullopt : c.fail_mode;
  if (c.protocols) {
    for (const auto& p : *c.protocols) check_one_of(command, "protocol", p, kProtocols);
    b.protocols = sorted_unique(*c.protocols);
  }
  merge(b.other_config, c.set_other_config, c.remove_other_config);
  if (c.datapath_id) {
    if (c.datapath_id->empty()) {
      b.other_config.erase("datapath-id");
    } else {
      check_datapath_id(command, *c.datapath_id);
      b.other_config["datapath-id"] = *c.datapath_id;
    }
  }
  if ((c.clear_sflow && c.sflow) || (c.clear_ipfix && c.ipfix))
    throw Error(command, "invalid argument", "both a setting and its clear");
  if (c.clear_sflow) b.sflow.reset();
  if (c.sflow) {
    SFlow want = *c.sflow;
    want.targets = sorted_unique(want.targets);
    if (want.targets.empty()) throw Error(command, "invalid argument", "sFlow needs at least one target");
    for (auto [what, v] : {std::pair{"sFlow sampling", want.sampling}, {"sFlow polling", want.polling},
                           {"sFlow header", want.header}})
      check_non_negative(command, what, v);
    want.uuid = b.sflow ? b.sflow->uuid : Uuid{};
    b.sflow = want;
  }
  if (c.clear_ipfix) b.ipfix.reset();
  if (c.ipfix) {
    Ipfix want = *c.ipfix;
    want.targets = sorted_unique(want.targets);
    if (want.sampling && *want.sampling < 1) throw Error(command, "invalid argument", "IPFIX sampling must be at least 1");
    if (want.cache_active_timeout && (*want.cache_active_timeout < 0 || *want.cache_active_timeout > 4200))
      throw Error(command, "invalid argument", "IPFIX cache_active_timeout is outside 0..4200");
    for (auto [what, v] : {std::pair{"IPFIX obs_domain_id", want.obs_domain_id},
                           {"IPFIX obs_point_id", want.obs_point_id}, {"IPFIX cache_max_flows", want.cache_max_flows}})
      check_non_negative(command, what, v);
    want.uuid = b.ipfix ? b.ipfix->uuid : Uuid{};
    b.ipfix = want;
  }
}

// A port leaving a bridge leaves its mirrors too (Mirror's port columns are weak references,
// which the database clears when the port row goes).
void forget_port_in_mirrors(Bridge& b, const std::string& port) {
  for (auto& m : b.mirrors) {
    auto drop = [&](std::vector<std::string>& v) { v.erase(std::remove(v.begin(), v.end(), port), v.end()); };
    drop(m.select_src_port);
    drop(m.select_dst_port);
    if (m.output_port == port) m.output_port.reset();
  }
}

Interface new_interface(const std::string& name, const std::string& type, const StringMap& options,
                        const StringMap& external_ids) {
  Interface i;
  i.name = name;
  i.type = type;
  i.options = options;
  i.external_ids = external_ids;
  return i;
}

struct Simulator {
  State& s;

  void conflicts(const std::string& cmd, const std::string& name, const std::string& what) {
    if (find_bridge(s, name)) throw Error(cmd, "conflict", "cannot create " + what + " " + name + " because a bridge named " + name + " already exists");
    if (auto [b, p] = find_port(s, name); p)
      throw Error(cmd, "conflict", "cannot create " + what + " " + name + " because a port named " + name + " already exists on bridge " + b->name);
    if (auto [p, i] = find_interface(s, name); i)
      throw Error(cmd, "conflict", "cannot create " + what + " " + name + " because an interface named " + name + " already exists on port " + p->name);
  }

  void operator()(const AddBridge& c) {
    std::string cmd = "add-br " + c.name;
    check_name(cmd, "bridge", c.name);
    if (Bridge* b = find_bridge(s, c.name)) {
      if (!c.may_exist) throw Error(cmd, "already exists", "bridge " + c.name + " already exists");
      if (!c.datapath_type.empty()) b->datapath_type = c.datapath_type;
      merge(b->external_ids, c.external_ids);
      apply_bridge_settings(cmd, *b, c.settings);
      return;
    }
    if (auto [b, p] = find_port(s, c.name); p)
      throw Error(cmd, "conflict",
                  "cannot create a bridge named " + c.name + " because a port named " + c.name +
                      " already exists on bridge " + b->name);
    if (auto [p, i] = find_interface(s, c.name); i)
      throw Error(cmd, "conflict",
                  "cannot create a bridge named " + c.name + " because an interface named " + c.name +
                      " already exists on port " + p->name);
    Bridge b;
    b.name = c.name;
    b.datapath_type = c.datapath_type;
    b.external_ids = c.external_ids;
    apply_bridge_settings(cmd, b, c.settings);
    // The bridge's local port: Port and Interface of the bridge's name, type internal.
    Port local;
    local.name = c.name;
    local.interfaces.push_back(new_interface(c.name, "internal", {}, {}));
    b.ports.push_back(std::move(local));
    s.bridges.push_back(std::move(b));
    std::sort(s.bridges.begin(), s.bridges.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
  }

  // add-port and add-bond: one Port with these interfaces (same name as the port for add-port).
  void add_port(const std::string& cmd, const std::string& bridge_name, const std::string& name,
                const std::vector<Interface>& ifaces, const std::optional<std::int64_t>& tag, const StringMap& port_ids,
                bool may_exist, const PortSettings& ps, const InterfaceSettings& is, bool single) {
    check_name(cmd, "port", name);
    for (const auto& i : ifaces) check_name(cmd, "interface", i.name);
    check_tag(cmd, tag);
    Bridge* bridge = find_bridge(s, bridge_name);
    if (!bridge) throw Error(cmd, "not found", "no bridge named " + bridge_name);
    if (auto [b, p] = find_port(s, name); p) {
      if (b != bridge) throw Error(cmd, "conflict", "port " + name + " already exists on bridge " + b->name);
      if (!may_exist) throw Error(cmd, "already exists", "port " + name + " already exists on bridge " + b->name);
      std::vector<std::string> have, want;
      for (const auto& i : p->interfaces) have.push_back(i.name);
      for (const auto& i : ifaces) want.push_back(i.name);
      std::sort(want.begin(), want.end());
      if (have != want) {
        std::string list;
        for (const auto& h : have) list += (list.empty() ? "" : ", ") + h;
        throw Error(cmd, "conflict", "port " + name + " already exists with different interfaces (" + list + ")");
      }
      for (const auto& want_if : ifaces) {
        Interface& i = *find_interface(s, want_if.name).second;
        if (i.type != want_if.type)
          throw Error(cmd, "conflict",
                      "port " + name + " already exists with interface type \"" + i.type + "\", not \"" +
                          want_if.type + "\"");
        if (single && !want_if.options.empty()) i.options = want_if.options;
        merge(i.external_ids, want_if.external_ids);
        apply_interface_settings(cmd, i, is);
      }
      if (tag) p->tag = tag;
      merge(p->external_ids, port_ids);
      apply_port_settings(s, cmd, *p, ps);
      return;
    }
    if (single) {
      if (auto [p, i] = find_interface(s, name); i)
        throw Error(cmd, "conflict", "an interface named " + name + " already exists on port " + p->name);
    } else {
      conflicts(cmd, name, "a port named");
      std::set<std::string> seen;
      for (const auto& i : ifaces) {
        if (!seen.insert(i.name).second) throw Error(cmd, "invalid argument", "interface " + i.name + " named twice");
        conflicts(cmd, i.name, "an interface named");
      }
    }
    Port p;
    p.name = name;
    p.tag = tag;
    p.external_ids = port_ids;
    p.interfaces = ifaces;
    for (auto& i : p.interfaces) apply_interface_settings(cmd, i, is);
    sort_interfaces(p);
    apply_port_settings(s, cmd, p, ps);
    bridge->ports.push_back(std::move(p));
    sort_ports(*bridge);
  }

  void operator()(const AddPort& c) {
    std::string cmd = "add-port " + c.bridge + " " + c.name;
    if (c.type == "patch" && !c.options.count("peer"))
      throw Error(cmd, "invalid argument", "patch port " + c.name + " needs options:peer");
    add_port(cmd, c.bridge, c.name, {new_interface(c.name, c.type, c.options, c.interface_external_ids)}, c.tag,
             c.port_external_ids, c.may_exist, c.port_settings, c.interface_settings, true);
  }

  void operator()(const AddBond& c) {
    std::string cmd = "add-bond " + c.bridge + " " + c.name;
    if (c.interfaces.size() < 2)
      throw Error(cmd, "invalid argument",
                  "add-bond requires at least 2 interfaces, but only " + std::to_string(c.interfaces.size()) +
                      " were specified");
    std::vector<Interface> ifaces;
    for (const auto& n : c.interfaces) ifaces.push_back(new_interface(n, "", {}, c.interface_external_ids));
    add_port(cmd, c.bridge, c.name, ifaces, c.tag, c.port_external_ids, c.may_exist, c.port_settings,
             c.interface_settings, false);
  }

  void operator()(const AddBondInterface& c) {
    std::string cmd = "add-bond-iface " + c.port + " " + c.interface;
    check_name(cmd, "interface", c.interface);
    auto [b, p] = find_port(s, c.port);
    if (!p) throw Error(cmd, "not found", "no port named " + c.port);
    if (auto [ip, i] = find_interface(s, c.interface); i) {
      if (c.may_exist && ip == p) return;
      if (c.may_exist)
        throw Error(cmd, "conflict", c.interface + " is actually attached to port " + ip->name);
    }
    conflicts(cmd, c.interface, "an interface named");
    p->interfaces.push_back(new_interface(c.interface, "", {}, c.external_ids));
    sort_interfaces(*p);
  }

  void operator()(const DelBondInterface& c) {
    std::string cmd = "del-bond-iface " + (c.port.empty() ? "" : c.port + " ") + c.interface;
    auto [p, i] = find_interface(s, c.interface);
    if (!i) {
      if (c.if_exists) return;
      throw Error(cmd, "not found", "no interface named " + c.interface);
    }
    if (!c.port.empty()) {
      auto [b, want] = find_port(s, c.port);
      if (!want) throw Error(cmd, "not found", "no port named " + c.port);
      if (want != p) throw Error(cmd, "conflict", "port " + c.port + " does not have an interface " + c.interface);
    }
    if (p->interfaces.size() < 2) throw Error(cmd, "invalid argument", "cannot delete last interface from port " + p->name);
    p->interfaces.erase(p->interfaces.begin() + (i - p->interfaces.data()));
  }

  void operator()(const DelPort& c) {
    std::string cmd = "del-port " + (c.bridge.empty() ? "" : c.bridge + " ") + c.name;
    check_name(cmd, "port", c.name);
    Bridge* want_bridge = nullptr;
    if (!c.bridge.empty()) {
      want_bridge = find_bridge(s, c.bridge);
      if (!want_bridge) {
        if (c.if_exists) return;
        throw Error(cmd, "not found", "no bridge named " + c.bridge);
      }
    }
    auto [b, p] = find_port(s, c.name);
    if (!p) {
      if (c.if_exists) return;
      throw Error(cmd, "not found", "no port named " + c.name);
    }
    if (want_bridge && b != want_bridge)
      throw Error(cmd, "conflict", "bridge " + c.bridge + " does not have a port " + c.name + " (it is on " + b->name + ")");
    if (p->name == b->name)
      throw Error(cmd, "invalid argument",
                  "cannot delete port " + c.name + " because it is the local port for bridge " + b->name +
                      " (deleting this port requires deleting the entire bridge)");
    b->ports.erase(b->ports.begin() + (p - b->ports.data()));
    forget_port_in_mirrors(*b, c.name);
  }

  void operator()(const DelBridge& c) {
    std::string cmd = "del-br " + c.name;
    check_name(cmd, "bridge", c.name);
    Bridge* b = find_bridge(s, c.name);
    if (!b) {
      if (c.if_exists) return;
      throw Error(cmd, "not found", "no bridge named " + c.name);
    }
    s.bridges.erase(s.bridges.begin() + (b - s.bridges.data()));
  }

  void operator()(const SetPort& c) {
    std::string cmd = "set Port " + c.name;
    auto [b, p] = find_port(s, c.name);
    if (!p) throw Error(cmd, "not found", "no port named " + c.name);
    if (c.clear_tag) p->tag.reset();
    if (c.tag) {
      check_tag(cmd, c.tag);
      p->tag = c.tag;
    }
    merge(p->external_ids, c.set_external_ids, c.remove_external_ids);
    apply_port_settings(s, cmd, *p, c.settings);
  }

  void operator()(const SetBridge& c) {
    std::string cmd = "set Bridge " + c.name;
    Bridge* b = find_bridge(s, c.name);
    if (!b) throw Error(cmd, "not found", "no bridge named " + c.name);
    if (c.datapath_type) b->datapath_type = *c.datapath_type;
    merge(b->external_ids, c.set_external_ids, c.remove_external_ids);
    apply_bridge_settings(cmd, *b, c.settings);
  }

  void operator()(const SetInterface& c) {
    std::string cmd = "set Interface " + c.name;
    auto [p, i] = find_interface(s, c.name);
    if (!i) throw Error(cmd, "not found", "no interface named " + c.name);
    if (c.type) i->type = *c.type;
    if (c.options) i->options = *c.options;
    merge(i->external_ids, c.set_external_ids, c.remove_external_ids);
    apply_interface_settings(cmd, *i, c.settings);
  }

  void operator()(const AddMirror& c) {
    std::string cmd = "add-mirror " + c.bridge + " " + c.mirror.name;
    check_name(cmd, "mirror", c.mirror.name);
    Bridge* b = find_bridge(s, c.bridge);
    if (!b) throw Error(cmd, "not found", "no bridge named " + c.bridge);
    Mirror want = c.mirror;
    want.select_src_port = sorted_unique(want.select_src_port);
    want.select_dst_port = sorted_unique(want.select_dst_port);
    want.select_vlan = sorted_unique(want.select_vlan);
    auto on_bridge = [&](const std::string& port) {
      auto [pb, p] = find_port(s, port);
      if (!p) throw Error(cmd, "not found", "no port named " + port);
      if (pb != b) throw Error(cmd, "conflict", "port " + port + " is on bridge " + pb->name + ", not " + b->name);
    };
    for (const auto& p : want.select_src_port) on_bridge(p);
    for (const auto& p : want.select_dst_port) on_bridge(p);
    for (auto v : want.select_vlan) check_vlan(cmd, "mirrored VLAN", v);
    if (want.output_port) on_bridge(*want.output_port);
    if (want.output_vlan) check_vlan(cmd, "output VLAN", *want.output_vlan, 1);
    if (want.output_port.has_value() == want.output_vlan.has_value())
      throw Error(cmd, "invalid argument", "a mirror needs exactly one of output_port and output_vlan");
    if (!want.select_all && want.select_src_port.empty() && want.select_dst_port.empty() && want.select_vlan.empty())
      throw Error(cmd, "invalid argument", "a mirror selects nothing (select_all, ports or VLANs)");
    for (auto& m : b->mirrors) {
      if (m.name != want.name) continue;
      if (!c.may_exist) throw Error(cmd, "already exists", "mirror " + want.name + " already exists on bridge " + b->name);
      want.uuid = m.uuid;
      m = want;
      return;
    }
    want.uuid = {};
    b->mirrors.push_back(std::move(want));
    std::sort(b->mirrors.begin(), b->mirrors.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
  }

  void operator()(const DelMirror& c) {
    std::string cmd = "del-mirror " + c.bridge + " " + c.name;
    Bridge* b = find_bridge(s, c.bridge);
    if (!b) {
      if (c.if_exists) return;
      throw Error(cmd, "not found", "no bridge named " + c.bridge);
    }
    for (auto it = b->mirrors.begin(); it != b->mirrors.end(); ++it) {
      if (it->name != c.name) continue;
      b->mirrors.erase(it);
      return;
    }
    if (!c.if_exists) throw Error(cmd, "not found", "no mirror named " + c.name + " on bridge " + b->name);
  }
};

}  // namespace

const Mirror* Bridge::mirror(const std::string& mirror_name) const {
  for (const auto& m : mirrors)
    if (m.name == mirror_name) return &m;
  return nullptr;
}

Batch& Batch::add_patch_pair(const std::string& bridge_a, const std::string& port_a, const std::string& bridge_b,
                             const std::string& port_b, const StringMap& external_ids, bool may_exist) {
  add_port(AddPort{bridge_a, port_a, "patch", {{"peer", port_b}}, std::nullopt, external_ids, external_ids, may_exist});
  add_port(AddPort{bridge_b, port_b, "patch", {{"peer", port_a}}, std::nullopt, external_ids, external_ids, may_exist});
  return *this;
}

State Batch::simulate(const State& current) const {
  State s = current;
  Simulator sim{s};
  for (const auto& c : commands_) std::visit(sim, c);
  return s;
}

}  // namespace ovsdb::vswitch
