// Batch planning: ovs-vsctl-like commands applied to a model of the Open_vSwitch database,
// then the difference written as one transaction's operations (see vswitch.h). Pure.
#include "ovsdb/vswitch.h"

#include "ovsdb/error.h"

#include <algorithm>
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

void check_tag(const std::string& command, const std::optional<std::int64_t>& tag) {
  if (tag && (*tag < 0 || *tag > 4095))
    throw Error(command, "invalid argument", "VLAN tag " + std::to_string(*tag) + " is outside 0..4095");
}

void apply_settings(Bridge& b, const BridgeSettings& settings) {
  if (settings.stp_enable) b.stp_enable = *settings.stp_enable;
}

void sort_ports(Bridge& b) {
  std::sort(b.ports.begin(), b.ports.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
}

// The model transitions, one per command kind, with ovs-vsctl's checks and messages.
struct Simulator {
  State& s;

  void operator()(const AddBridge& c) {
    std::string cmd = "add-br " + c.name;
    check_name(cmd, "bridge", c.name);
    if (Bridge* b = find_bridge(s, c.name)) {
      if (!c.may_exist) throw Error(cmd, "already exists", "bridge " + c.name + " already exists");
      if (!c.datapath_type.empty()) b->datapath_type = c.datapath_type;
      merge(b->external_ids, c.external_ids);
      apply_settings(*b, c.settings);
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
    apply_settings(b, c.settings);
    // The bridge's local port: Port and Interface of the bridge's name, type internal.
    b.ports.push_back(Port{{}, c.name, std::nullopt, {}, {Interface{{}, c.name, "internal", {}, {}, {}, {}}}});
    s.bridges.push_back(std::move(b));
    std::sort(s.bridges.begin(), s.bridges.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
  }

  void operator()(const AddPort& c) {
    std::string cmd = "add-port " + c.bridge + " " + c.name;
    check_name(cmd, "port", c.name);
    check_tag(cmd, c.tag);
    Bridge* bridge = find_bridge(s, c.bridge);
    if (!bridge) throw Error(cmd, "not found", "no bridge named " + c.bridge);
    if (auto [b, p] = find_port(s, c.name); p) {
      if (b != bridge) throw Error(cmd, "conflict", "port " + c.name + " already exists on bridge " + b->name);
      if (!c.may_exist) throw Error(cmd, "already exists", "port " + c.name + " already exists on bridge " + b->name);
      if (p->interfaces.size() != 1 || p->interfaces[0].name != c.name)
        throw Error(cmd, "conflict", "port " + c.name + " already exists with different interfaces");
      Interface& i = p->interfaces[0];
      if (i.type != c.type)
        throw Error(cmd, "conflict",
                    "port " + c.name + " already exists with interface type \"" + i.type + "\", not \"" + c.type +
                        "\"");
      if (!c.options.empty()) i.options = c.options;
      if (c.tag) p->tag = c.tag;
      merge(p->external_ids, c.port_external_ids);
      merge(i.external_ids, c.interface_external_ids);
      return;
    }
    if (auto [p, i] = find_interface(s, c.name); i)
      throw Error(cmd, "conflict", "an interface named " + c.name + " already exists on port " + p->name);
    if (c.type == "patch" && !c.options.count("peer"))
      throw Error(cmd, "invalid argument", "patch port " + c.name + " needs options:peer");
    Port p{{}, c.name, c.tag, c.port_external_ids, {Interface{{}, c.name, c.type, c.options, {}, {}, c.interface_external_ids}}};
    bridge->ports.push_back(std::move(p));
    sort_ports(*bridge);
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
  }

  void operator()(const SetBridge& c) {
    std::string cmd = "set Bridge " + c.name;
    Bridge* b = find_bridge(s, c.name);
    if (!b) throw Error(cmd, "not found", "no bridge named " + c.name);
    if (c.datapath_type) b->datapath_type = *c.datapath_type;
    merge(b->external_ids, c.set_external_ids, c.remove_external_ids);
    apply_settings(*b, c.settings);
  }

  void operator()(const SetInterface& c) {
    std::string cmd = "set Interface " + c.name;
    auto [p, i] = find_interface(s, c.name);
    if (!i) throw Error(cmd, "not found", "no interface named " + c.name);
    if (c.type) i->type = *c.type;
    if (c.options) i->options = *c.options;
    merge(i->external_ids, c.set_external_ids, c.remove_external_ids);
  }
};

// Mutations turning map `from` into `to`: delete changed/removed keys, insert changed/new pairs.
std::vector<Mutation> map_mutations(const std::string& column, const StringMap& from, const StringMap& to) {
  Datum::Set remove;
  Datum::Map insert;
  for (const auto& [k, v] : from) {
    auto it = to.find(k);
    if (it == to.end() || it->second != v) remove.emplace_back(k);
  }
  for (const auto& [k, v] : to) {
    auto it = from.find(k);
    if (it == from.end() || it->second != v) insert.emplace_back(k, v);
  }
  std::vector<Mutation> out;
  if (!remove.empty()) out.push_back({column, "delete", Datum::set(std::move(remove))});
  if (!insert.empty()) out.push_back({column, "insert", Datum::map(std::move(insert))});
  return out;
}

Datum optional_int(const std::optional<std::int64_t>& v) { return v ? Datum::integer(*v) : Datum(); }

// Writes the difference between two models as operations.
class Differ {
 public:
  explicit Differ(Plan& plan) : plan_(plan) {}

  void run(const State& from, const State& to) {
    std::map<Uuid, const Bridge*> old_bridges;
    for (const auto& b : from.bridges) old_bridges[b.uuid] = &b;
    std::set<Uuid> kept;
    Datum::Set root_insert, root_delete;
    for (const auto& b : to.bridges) {
      if (b.uuid.value.empty()) {
        root_insert.emplace_back(insert_bridge(b));
        continue;
      }
      kept.insert(b.uuid);
      diff_bridge(*old_bridges.at(b.uuid), b);
    }
    for (const auto& b : from.bridges) {
      if (kept.count(b.uuid)) continue;
      root_delete.emplace_back(b.uuid);
      delete_bridge(b);
    }
    if (plan_.ops.empty()) return;
    Where root = {where_uuid(from.root)};
    std::vector<Mutation> root_mutations;
    if (!root_delete.empty()) root_mutations.push_back({"bridges", "delete", Datum::set(root_delete)});
    if (!root_insert.empty()) root_mutations.push_back({"bridges", "insert", Datum::set(root_insert)});
    // Like ovs-vsctl: ask ovs-vswitchd to reconfigure, and read back the value to wait for.
    root_mutations.push_back({"next_cfg", "+=", Datum::integer(1)});
    plan_.ops.push_back(op::mutate("Open_vSwitch", root, root_mutations));
    plan_.next_cfg_select = plan_.ops.size();
    plan_.ops.push_back(op::select("Open_vSwitch", root, {"next_cfg"}));
  }

 private:
  std::string fresh(const char* prefix) { return std::string(prefix) + std::to_string(++counter_); }

  // Fails the transaction if an existing row we change was deleted meanwhile.
  void require(const std::string& table, const Uuid& uuid, const std::string& name) {
    if (!required_.insert(uuid).second) return;
    plan_.ops.push_back(op::wait(table, {where_uuid(uuid)}, {"name"}, "==", {Row{{"name", Datum::string(name)}}}, 0));
  }

  NamedUuid insert_port(const Port& p) {
    Datum::Set ifaces;
    for (const auto& i : p.interfaces) {
      std::string name = fresh("iface");
      Row row{{"name", Datum::string(i.name)}};
      if (!i.type.empty()) row["type"] = Datum::string(i.type);
      if (!i.options.empty()) row["options"] = Datum::string_map(i.options);
      if (!i.external_ids.empty()) row["external_ids"] = Datum::string_map(i.external_ids);
      plan_.ops.push_back(op::insert("Interface", row, name));
      plan_.check_interfaces.push_back(i.name);
      ifaces.emplace_back(NamedUuid{name});
    }
    std::string name = fresh("port");
    Row row{{"name", Datum::string(p.name)}, {"interfaces", Datum::set(ifaces)}};
    if (p.tag) row["tag"] = Datum::integer(*p.tag);
    if (!p.external_ids.empty()) row["external_ids"] = Datum::string_map(p.external_ids);
    plan_.ops.push_back(op::insert("Port", row, name));
    return NamedUuid{name};
  }

  NamedUuid insert_bridge(const Bridge& b) {
    Datum::Set ports;
    for (const auto& p : b.ports) ports.emplace_back(insert_port(p));
    std::string name = fresh("bridge");
    Row row{{"name", Datum::string(b.name)}, {"ports", Datum::set(ports)}};
    if (!b.datapath_type.empty()) row["datapath_type"] = Datum::string(b.datapath_type);
    if (!b.external_ids.empty()) row["external_ids"] = Datum::string_map(b.external_ids);
    if (b.stp_enable) row["stp_enable"] = Datum::boolean(true);
    plan_.ops.push_back(op::insert("Bridge", row, name));
    return NamedUuid{name};
  }

  void delete_port(const Port& p) {
    plan_.ops.push_back(op::delete_rows("Port", {where_uuid(p.uuid)}));
    for (const auto& i : p.interfaces) plan_.ops.push_back(op::delete_rows("Interface", {where_uuid(i.uuid)}));
  }

  void delete_bridge(const Bridge& b) {
    plan_.ops.push_back(op::delete_rows("Bridge", {where_uuid(b.uuid)}));
    for (const auto& p : b.ports) delete_port(p);
  }

  void diff_interface(const Interface& from, const Interface& to) {
    Row row;
    if (from.type != to.type) row["type"] = Datum::string(to.type);
    if (from.options != to.options) row["options"] = Datum::string_map(to.options);
    auto mutations = map_mutations("external_ids", from.external_ids, to.external_ids);
    if (row.empty() && mutations.empty()) return;
    require("Interface", to.uuid, to.name);
    if (!row.empty()) {
      plan_.ops.push_back(op::update("Interface", {where_uuid(to.uuid)}, row));
      plan_.check_interfaces.push_back(to.name);
    }
    if (!mutations.empty()) plan_.ops.push_back(op::mutate("Interface", {where_uuid(to.uuid)}, mutations));
  }

  void diff_port(const Port& from, const Port& to) {
    auto mutations = map_mutations("external_ids", from.external_ids, to.external_ids);
    if (from.tag != to.tag || !mutations.empty()) {
      require("Port", to.uuid, to.name);
      if (from.tag != to.tag) plan_.ops.push_back(op::update("Port", {where_uuid(to.uuid)}, {{"tag", optional_int(to.tag)}}));
      if (!mutations.empty()) plan_.ops.push_back(op::mutate("Port", {where_uuid(to.uuid)}, mutations));
    }
    for (std::size_t i = 0; i < to.interfaces.size() && i < from.interfaces.size(); ++i)
      diff_interface(from.interfaces[i], to.interfaces[i]);
  }

  void diff_bridge(const Bridge& from, const Bridge& to) {
    Row row;
    if (from.datapath_type != to.datapath_type) row["datapath_type"] = Datum::string(to.datapath_type);
    if (from.stp_enable != to.stp_enable) row["stp_enable"] = Datum::boolean(to.stp_enable);
    auto mutations = map_mutations("external_ids", from.external_ids, to.external_ids);
    std::map<Uuid, const Port*> old_ports;
    for (const auto& p : from.ports) old_ports[p.uuid] = &p;
    Datum::Set ports_insert, ports_delete;
    std::set<Uuid> kept;
    for (const auto& p : to.ports) {
      if (p.uuid.value.empty()) {
        ports_insert.emplace_back(insert_port(p));
      } else {
        kept.insert(p.uuid);
        diff_port(*old_ports.at(p.uuid), p);
      }
    }
    for (const auto& p : from.ports) {
      if (kept.count(p.uuid)) continue;
      ports_delete.emplace_back(p.uuid);
      delete_port(p);
    }
    if (!ports_delete.empty()) mutations.push_back({"ports", "delete", Datum::set(ports_delete)});
    if (!ports_insert.empty()) mutations.push_back({"ports", "insert", Datum::set(ports_insert)});
    if (row.empty() && mutations.empty()) return;
    require("Bridge", to.uuid, to.name);
    if (!row.empty()) plan_.ops.push_back(op::update("Bridge", {where_uuid(to.uuid)}, row));
    if (!mutations.empty()) plan_.ops.push_back(op::mutate("Bridge", {where_uuid(to.uuid)}, mutations));
  }

  Plan& plan_;
  int counter_ = 0;
  std::set<Uuid> required_;
};

}  // namespace

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

Plan Batch::plan(const State& current) const {
  State want = simulate(current);
  Plan plan;
  Differ(plan).run(current, want);
  if (!plan.ops.empty() && current.root.value.empty())
    throw Error("transact Open_vSwitch", "not initialized",
                "the Open_vSwitch table has no row (initialize the database, e.g. ovs-vsctl init)");
  return plan;
}

}  // namespace ovsdb::vswitch
