// Batch::plan: the difference between the model before and after a batch (vswitch_simulate.cpp),
// written as the operations of ONE transaction, shaped as ovs-vsctl shapes them: new rows are
// inserted with uuid-names and referenced from their parent, changed columns of existing rows
// are updated after a "wait" that fails the transaction if the row vanished meanwhile, set and
// map columns other writers share (ports, mirrors, external_ids, other_config) are mutated,
// and next_cfg is incremented (then read back) so ovs-vswitchd reconfigures. Pure.
//
// Rows of non-root tables (Controller, Mirror, sFlow, IPFIX) go when nothing refers to them
// (RFC 7047 3.2, isRoot), so replacing the reference is enough. QoS and Queue are root
// tables: a QoS (and a Queue) that no port (no QoS) refers to after the batch is deleted.
#include "ovsdb/error.h"
#include "ovsdb/vswitch.h"

#include <set>

namespace ovsdb::vswitch {
namespace {

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
Datum optional_string(const std::optional<std::string>& v) { return v ? Datum::string(*v) : Datum(); }

Datum int_set(const std::vector<std::int64_t>& v) {
  Datum::Set atoms(v.begin(), v.end());
  return Datum::set(std::move(atoms));
}

Datum reference(const Atom& a) { return Datum::atom(a); }
Datum optional_ref(const std::optional<Atom>& a) { return a ? Datum::atom(*a) : Datum(); }

// Columns of a new row: only what differs from the schema's default, as ovs-vsctl writes it.
void put(Row& row, const char* column, const Datum& value) {
  if (!value.empty()) row[column] = value;
}

class Differ {
 public:
  explicit Differ(Plan& plan) : plan_(plan) {}

  void run(const State& from, const State& to) {
    index(from);
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
    delete_unreferenced_qos(to);
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

  void index(const State& from) {
    for (const auto& b : from.bridges)
      for (const auto& p : b.ports)
        if (p.qos) {
          old_qos_[p.qos->uuid] = &*p.qos;
          for (const auto& [id, q] : p.qos->queues) old_queues_[q.uuid] = &q;
        }
  }

  // Fails the transaction if an existing row we change was deleted meanwhile. Rows with a
  // name are checked on it (a row replaced by another of the same name fails too).
  void require(const std::string& table, const Uuid& uuid, const std::optional<std::string>& name) {
    if (!required_.insert(uuid).second) return;
    if (name)
      plan_.ops.push_back(op::wait(table, {where_uuid(uuid)}, {"name"}, "==", {Row{{"name", Datum::string(*name)}}}, 0));
    else
      plan_.ops.push_back(op::wait(table, {where_uuid(uuid)}, {"_uuid"}, "==", {Row{{"_uuid", Datum::atom(uuid)}}}, 0));
  }

  // An update of the changed columns and the mutations of the changed maps of an existing row.
  void change(const std::string& table, const Uuid& uuid, const std::optional<std::string>& name, const Row& row,
              const std::vector<Mutation>& mutations) {
    if (row.empty() && mutations.empty()) return;
    require(table, uuid, name);
    if (!row.empty()) plan_.ops.push_back(op::update(table, {where_uuid(uuid)}, row));
    if (!mutations.empty()) plan_.ops.push_back(op::mutate(table, {where_uuid(uuid)}, mutations));
  }

  static void append(std::vector<Mutation>& into, std::vector<Mutation> more) {
    into.insert(into.end(), more.begin(), more.end());
  }

  NamedUuid insert_interface(const Interface& i) {
    std::string name = fresh("iface");
    Row row{{"name", Datum::string(i.name)}};
    if (!i.type.empty()) row["type"] = Datum::string(i.type);
    put(row, "options", Datum::string_map(i.options));
    put(row, "external_ids", Datum::string_map(i.external_ids));
    put(row, "other_config", Datum::string_map(i.other_config));
    if (i.ingress_policing_rate) row["ingress_policing_rate"] = Datum::integer(i.ingress_policing_rate);
    if (i.ingress_policing_burst) row["ingress_policing_burst"] = Datum::integer(i.ingress_policing_burst);
    plan_.ops.push_back(op::insert("Interface", row, name));
    plan_.check_interfaces.push_back(i.name);
    return NamedUuid{name};
  }

  Row queue_row(const Queue& q) {
    Row row;
    row["dscp"] = optional_int(q.dscp);
    row["other_config"] = Datum::string_map(q.other_config);
    return row;
  }

  Atom queue_ref(const Queue& q) {
    if (!q.uuid.value.empty()) {
      const Queue& old = *old_queues_.at(q.uuid);
      Row row, want = queue_row(q), have = queue_row(old);
      for (const auto& [k, v] : want)
        if (have[k] != v) row[k] = v;
      change("Queue", q.uuid, std::nullopt, row, map_mutations("external_ids", old.external_ids, q.external_ids));
      return q.uuid;
    }
    std::string name = fresh("queue");
    Row row;
    for (const auto& [k, v] : queue_row(q)) put(row, k.c_str(), v);
    put(row, "external_ids", Datum::string_map(q.external_ids));
    plan_.ops.push_back(op::insert("Queue", row, name));
    return NamedUuid{name};
  }

  Atom qos_ref(const Qos& q) {
    Datum::Map queues;
    for (const auto& [id, queue] : q.queues) queues.emplace_back(id, queue_ref(queue));
    Datum queue_map = Datum::map(std::move(queues));
    if (!q.uuid.value.empty()) {
      const Qos& old = *old_qos_.at(q.uuid);
      Row row;
      if (old.type != q.type) row["type"] = Datum::string(q.type);
      Datum::Map old_queues;
      for (const auto& [id, queue] : old.queues) old_queues.emplace_back(id, queue.uuid);
      if (Datum::map(std::move(old_queues)) != queue_map) row["queues"] = queue_map;
      auto mutations = map_mutations("other_config", old.other_config, q.other_config);
      append(mutations, map_mutations("external_ids", old.external_ids, q.external_ids));
      change("QoS", q.uuid, std::nullopt, row, mutations);
      return q.uuid;
    }
    std::string name = fresh("qos");
    Row row{{"type", Datum::string(q.type)}};
    put(row, "queues", queue_map);
    put(row, "other_config", Datum::string_map(q.other_config));
    put(row, "external_ids", Datum::string_map(q.external_ids));
    plan_.ops.push_back(op::insert("QoS", row, name));
    return NamedUuid{name};
  }

  // The columns of a Port this library writes besides name, interfaces, external_ids, other_config.
  Row port_columns(const Port& p) {
    Row row;
    row["tag"] = optional_int(p.tag);
    row["trunks"] = int_set(p.trunks);
    row["vlan_mode"] = optional_string(p.vlan_mode);
    row["bond_mode"] = optional_string(p.bond_mode);
    row["lacp"] = optional_string(p.lacp);
    row["protected"] = Datum::boolean(p.protected_);
    return row;
  }

  NamedUuid insert_port(const Port& p) {
    Datum::Set ifaces;
    for (const auto& i : p.interfaces) ifaces.emplace_back(insert_interface(i));
    std::optional<Atom> qos;
    if (p.qos) qos = qos_ref(*p.qos);
    std::string name = fresh("port");
    Row row{{"name", Datum::string(p.name)}, {"interfaces", Datum::set(ifaces)}};
    for (const auto& [k, v] : port_columns(p))
      if (k != "protected" || p.protected_) put(row, k.c_str(), v);  // false is the default
    put(row, "qos", optional_ref(qos));
    put(row, "external_ids", Datum::string_map(p.external_ids));
    put(row, "other_config", Datum::string_map(p.other_config));
    plan_.ops.push_back(op::insert("Port", row, name));
    port_refs_[p.name] = NamedUuid{name};
    return NamedUuid{name};
  }

  Row mirror_columns(const Mirror& m) {
    auto ports = [&](const std::vector<std::string>& names) {
      Datum::Set atoms;
      for (const auto& n : names) atoms.push_back(port_refs_.at(n));
      return Datum::set(std::move(atoms));
    };
    Row row;
    row["select_all"] = Datum::boolean(m.select_all);
    row["select_src_port"] = ports(m.select_src_port);
    row["select_dst_port"] = ports(m.select_dst_port);
    row["select_vlan"] = int_set(m.select_vlan);
    row["output_port"] = m.output_port ? reference(port_refs_.at(*m.output_port)) : Datum();
    row["output_vlan"] = optional_int(m.output_vlan);
    return row;
  }

  NamedUuid insert_mirror(const Mirror& m) {
    std::string name = fresh("mirror");
    Row row{{"name", Datum::string(m.name)}};
    for (const auto& [k, v] : mirror_columns(m))
      if (k != "select_all" || m.select_all) put(row, k.c_str(), v);
    put(row, "external_ids", Datum::string_map(m.external_ids));
    plan_.ops.push_back(op::insert("Mirror", row, name));
    return NamedUuid{name};
  }

  Row sflow_columns(const SFlow& f) {
    return {{"targets", Datum::string_set(f.targets)}, {"agent", optional_string(f.agent)},
            {"sampling", optional_int(f.sampling)},   {"polling", optional_int(f.polling)},
            {"header", optional_int(f.header)}};
  }

  Row ipfix_columns(const Ipfix& f) {
    return {{"targets", Datum::string_set(f.targets)},
            {"sampling", optional_int(f.sampling)},
            {"obs_domain_id", optional_int(f.obs_domain_id)},
            {"obs_point_id", optional_int(f.obs_point_id)},
            {"cache_active_timeout", optional_int(f.cache_active_timeout)},
            {"cache_max_flows", optional_int(f.cache_max_flows)}};
  }

  // An sFlow / IPFIX row: new (insert, then refer to it) or changed in place.
  template <typename Spec>
  std::optional<Atom> flow_export(const char* table, const std::optional<Spec>& from, const std::optional<Spec>& to,
                                  Row (Differ::*columns)(const Spec&), const StringMap* from_other,
                                  const StringMap* to_other) {
    if (!to) return std::nullopt;
    if (!to->uuid.value.empty()) {
      Row have = (this->*columns)(*from), want = (this->*columns)(*to), row;
      for (const auto& [k, v] : want)
        if (have[k] != v) row[k] = v;
      auto mutations = map_mutations("external_ids", from->external_ids, to->external_ids);
      if (from_other) append(mutations, map_mutations("other_config", *from_other, *to_other));
      change(table, to->uuid, std::nullopt, row, mutations);
      return to->uuid;
    }
    std::string name = fresh(table);
    Row row;
    for (const auto& [k, v] : (this->*columns)(*to)) put(row, k.c_str(), v);
    put(row, "external_ids", Datum::string_map(to->external_ids));
    if (to_other) put(row, "other_config", Datum::string_map(*to_other));
    plan_.ops.push_back(op::insert(table, row, name));
    return NamedUuid{name};
  }

  Datum controller_set(const Bridge& b) {
    Datum::Set atoms;
    for (const auto& c : b.controllers) {
      if (!c.uuid.value.empty()) {
        atoms.emplace_back(c.uuid);
        continue;
      }
      std::string name = fresh("controller");
      Row row{{"target", Datum::string(c.target)}};
      put(row, "inactivity_probe", optional_int(c.inactivity_probe));
      put(row, "external_ids", Datum::string_map(c.external_ids));
      plan_.ops.push_back(op::insert("Controller", row, name));
      atoms.emplace_back(NamedUuid{name});
    }
    return Datum::set(std::move(atoms));
  }

  static bool same_controllers(const Bridge& a, const Bridge& b) {
    if (a.controllers.size() != b.controllers.size()) return false;
    for (std::size_t i = 0; i < a.controllers.size(); ++i)
      if (a.controllers[i].uuid != b.controllers[i].uuid) return false;
    return true;
  }

  Row bridge_columns(const Bridge& b) {
    Row row;
    row["datapath_type"] = Datum::string(b.datapath_type);
    row["stp_enable"] = Datum::boolean(b.stp_enable);
    row["fail_mode"] = optional_string(b.fail_mode);
    row["protocols"] = Datum::string_set(b.protocols);
    return row;
  }

  NamedUuid insert_bridge(const Bridge& b) {
    port_refs_.clear();
    Datum::Set ports;
    for (const auto& p : b.ports) ports.emplace_back(insert_port(p));
    Datum::Set mirrors;
    for (const auto& m : b.mirrors) mirrors.emplace_back(insert_mirror(m));
    Datum controllers = controller_set(b);
    auto sflow = flow_export<SFlow>("sFlow", std::nullopt, b.sflow, &Differ::sflow_columns, nullptr, nullptr);
    auto ipfix = flow_export<Ipfix>("IPFIX", std::nullopt, b.ipfix, &Differ::ipfix_columns, nullptr,
                                    b.ipfix ? &b.ipfix->other_config : nullptr);
    std::string name = fresh("bridge");
    Row row{{"name", Datum::string(b.name)}, {"ports", Datum::set(ports)}};
    if (!b.datapath_type.empty()) row["datapath_type"] = Datum::string(b.datapath_type);
    if (b.stp_enable) row["stp_enable"] = Datum::boolean(true);
    put(row, "fail_mode", optional_string(b.fail_mode));
    put(row, "protocols", Datum::string_set(b.protocols));
    put(row, "controller", controllers);
    put(row, "mirrors", Datum::set(mirrors));
    put(row, "sflow", optional_ref(sflow));
    put(row, "ipfix", optional_ref(ipfix));
    put(row, "external_ids", Datum::string_map(b.external_ids));
    put(row, "other_config", Datum::string_map(b.other_config));
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
    if (from.ingress_policing_rate != to.ingress_policing_rate)
      row["ingress_policing_rate"] = Datum::integer(to.ingress_policing_rate);
    if (from.ingress_policing_burst != to.ingress_policing_burst)
      row["ingress_policing_burst"] = Datum::integer(to.ingress_policing_burst);
    auto mutations = map_mutations("external_ids", from.external_ids, to.external_ids);
    append(mutations, map_mutations("other_config", from.other_config, to.other_config));
    if (!row.empty()) plan_.check_interfaces.push_back(to.name);
    change("Interface", to.uuid, to.name, row, mutations);
  }

  void diff_port(const Port& from, const Port& to) {
    Row row, have = port_columns(from);
    for (const auto& [k, v] : port_columns(to))
      if (have[k] != v) row[k] = v;
    if (from.qos != to.qos) {
      std::optional<Atom> qos;
      if (to.qos) qos = qos_ref(*to.qos);
      if (!from.qos || !to.qos || from.qos->uuid != to.qos->uuid) row["qos"] = optional_ref(qos);
    }
    auto mutations = map_mutations("external_ids", from.external_ids, to.external_ids);
    append(mutations, map_mutations("other_config", from.other_config, to.other_config));
    // Interfaces: members of a bond come and go (add-bond-iface / del-bond-iface).
    std::map<Uuid, const Interface*> old_ifaces;
    for (const auto& i : from.interfaces) old_ifaces[i.uuid] = &i;
    Datum::Set if_insert, if_delete;
    std::set<Uuid> kept;
    for (const auto& i : to.interfaces) {
      if (i.uuid.value.empty()) {
        if_insert.emplace_back(insert_interface(i));
      } else {
        kept.insert(i.uuid);
        diff_interface(*old_ifaces.at(i.uuid), i);
      }
    }
    for (const auto& i : from.interfaces) {
      if (kept.count(i.uuid)) continue;
      if_delete.emplace_back(i.uuid);
      plan_.ops.push_back(op::delete_rows("Interface", {where_uuid(i.uuid)}));
    }
    if (!if_delete.empty()) mutations.push_back({"interfaces", "delete", Datum::set(if_delete)});
    if (!if_insert.empty()) mutations.push_back({"interfaces", "insert", Datum::set(if_insert)});
    change("Port", to.uuid, to.name, row, mutations);
  }

  void diff_mirror(const Mirror& from, const Mirror& to) {
    Row row, have = mirror_columns(from), want = mirror_columns(to);
    for (const auto& [k, v] : want)
      if (have[k] != v) row[k] = v;
    change("Mirror", to.uuid, to.name, row, map_mutations("external_ids", from.external_ids, to.external_ids));
  }

  void diff_bridge(const Bridge& from, const Bridge& to) {
    // Ports first: mirrors refer to them, new ones by uuid-name.
    std::map<Uuid, const Port*> old_ports;
    for (const auto& p : from.ports) old_ports[p.uuid] = &p;
    port_refs_.clear();
    for (const auto& p : from.ports) port_refs_[p.name] = p.uuid;
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

    Row row, have = bridge_columns(from);
    for (const auto& [k, v] : bridge_columns(to))
      if (have[k] != v) row[k] = v;
    if (!same_controllers(from, to)) row["controller"] = controller_set(to);
    auto sflow = flow_export<SFlow>("sFlow", from.sflow, to.sflow, &Differ::sflow_columns, nullptr, nullptr);
    if (from.sflow.has_value() != to.sflow.has_value() || (to.sflow && from.sflow->uuid != to.sflow->uuid))
      row["sflow"] = optional_ref(sflow);
    auto ipfix = flow_export<Ipfix>("IPFIX", from.ipfix, to.ipfix, &Differ::ipfix_columns,
                                    from.ipfix ? &from.ipfix->other_config : nullptr,
                                    to.ipfix ? &to.ipfix->other_config : nullptr);
    if (from.ipfix.has_value() != to.ipfix.has_value() || (to.ipfix && from.ipfix->uuid != to.ipfix->uuid))
      row["ipfix"] = optional_ref(ipfix);

    std::vector<Mutation> mutations = map_mutations("external_ids", from.external_ids, to.external_ids);
    append(mutations, map_mutations("other_config", from.other_config, to.other_config));
    if (!ports_delete.empty()) mutations.push_back({"ports", "delete", Datum::set(ports_delete)});
    if (!ports_insert.empty()) mutations.push_back({"ports", "insert", Datum::set(ports_insert)});

    std::map<Uuid, const Mirror*> old_mirrors;
    for (const auto& m : from.mirrors) old_mirrors[m.uuid] = &m;
    Datum::Set mirrors_insert, mirrors_delete;
    std::set<Uuid> kept_mirrors;
    for (const auto& m : to.mirrors) {
      if (m.uuid.value.empty()) {
        mirrors_insert.emplace_back(insert_mirror(m));
      } else {
        kept_mirrors.insert(m.uuid);
        diff_mirror(*old_mirrors.at(m.uuid), m);
      }
    }
    for (const auto& m : from.mirrors)
      if (!kept_mirrors.count(m.uuid)) mirrors_delete.emplace_back(m.uuid);
    if (!mirrors_delete.empty()) mutations.push_back({"mirrors", "delete", Datum::set(mirrors_delete)});
    if (!mirrors_insert.empty()) mutations.push_back({"mirrors", "insert", Datum::set(mirrors_insert)});
    change("Bridge", to.uuid, to.name, row, mutations);
  }

  // QoS and Queue rows that were in use before and are not after: delete them (root tables).
  void delete_unreferenced_qos(const State& to) {
    std::set<Uuid> qos_used, queues_used;
    for (const auto& b : to.bridges)
      for (const auto& p : b.ports)
        if (p.qos) {
          qos_used.insert(p.qos->uuid);
          for (const auto& [id, q] : p.qos->queues) queues_used.insert(q.uuid);
        }
    for (const auto& [uuid, q] : old_qos_)
      if (!qos_used.count(uuid)) plan_.ops.push_back(op::delete_rows("QoS", {where_uuid(uuid)}));
    for (const auto& [uuid, q] : old_queues_)
      if (!queues_used.count(uuid)) plan_.ops.push_back(op::delete_rows("Queue", {where_uuid(uuid)}));
  }

  Plan& plan_;
  int counter_ = 0;
  std::set<Uuid> required_;
  std::map<std::string, Atom> port_refs_;  // ports of the bridge being written: name -> uuid or uuid-name
  std::map<Uuid, const Qos*> old_qos_;
  std::map<Uuid, const Queue*> old_queues_;
};

}  // namespace

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
