// Reading Open_vSwitch state into plain structs, from a select transaction or a monitor cache:
// the Open_vSwitch row, its bridges, their ports, interfaces, controllers, mirrors, sFlow and
// IPFIX rows, and the ports' QoS and Queue rows. References are followed from the root, so
// rows nothing reachable refers to (garbage, other databases' leftovers) are not part of it.
#include "ovsdb/vswitch.h"

#include <algorithm>

namespace ovsdb::vswitch {
namespace {

using Rows = std::map<Uuid, Row>;
using Tables = std::map<std::string, Rows>;

// Table -> the columns read (and monitored).
const std::vector<std::pair<std::string, std::vector<std::string>>> kColumns = {
    {"Open_vSwitch", {"_uuid", "bridges", "next_cfg", "cur_cfg"}},
    {"Bridge",
     {"_uuid", "name", "datapath_type", "external_ids", "ports", "stp_enable", "controller", "fail_mode", "protocols",
      "other_config", "mirrors", "sflow", "ipfix", "datapath_id", "status"}},
    {"Port",
     {"_uuid", "name", "tag", "external_ids", "interfaces", "trunks", "vlan_mode", "bond_mode", "lacp", "other_config",
      "qos", "bond_active_slave", "protected"}},
    {"Interface",
     {"_uuid", "name", "type", "options", "ofport", "error", "external_ids", "ingress_policing_rate",
      "ingress_policing_burst", "other_config", "link_state"}},
    {"Controller", {"_uuid", "target", "external_ids", "is_connected", "inactivity_probe"}},
    {"Mirror",
     {"_uuid", "name", "select_all", "select_src_port", "select_dst_port", "select_vlan", "output_port", "output_vlan",
      "external_ids"}},
    {"sFlow", {"_uuid", "targets", "agent", "sampling", "polling", "header", "external_ids"}},
    {"IPFIX",
     {"_uuid", "targets", "sampling", "obs_domain_id", "obs_point_id", "cache_active_timeout", "cache_max_flows",
      "other_config", "external_ids"}},
    {"QoS", {"_uuid", "type", "queues", "other_config", "external_ids"}},
    {"Queue", {"_uuid", "dscp", "other_config", "external_ids"}},
};

const Datum& col(const Row& row, const std::string& column) {
  static const Datum empty;
  auto it = row.find(column);
  return it == row.end() ? empty : it->second;
}

std::string string_or_empty(const Row& row, const std::string& column) {
  return col(row, column).optional_string().value_or("");
}

bool boolean(const Row& row, const std::string& column) {
  const Datum& d = col(row, column);
  return d.size() == 1 && d.as_boolean();
}

std::vector<std::int64_t> integers(const Datum& d) {
  std::vector<std::int64_t> out;
  for (const auto& a : d.as_set())
    if (const auto* v = std::get_if<std::int64_t>(&a)) out.push_back(*v);
  return out;  // a Datum's set is sorted
}

const Row* find(const Tables& t, const std::string& table, const Uuid& uuid) {
  auto tab = t.find(table);
  if (tab == t.end()) return nullptr;
  auto it = tab->second.find(uuid);
  return it == tab->second.end() ? nullptr : &it->second;
}

Qos read_qos(const Tables& t, const Uuid& uuid, const Row& r) {
  Qos q;
  q.uuid = uuid;
  q.type = string_or_empty(r, "type");
  q.other_config = col(r, "other_config").as_string_map();
  q.external_ids = col(r, "external_ids").as_string_map();
  for (const auto& [k, v] : col(r, "queues").as_map()) {
    const auto* id = std::get_if<std::int64_t>(&k);
    const auto* qu = std::get_if<Uuid>(&v);
    if (!id || !qu) continue;
    const Row* qr = find(t, "Queue", *qu);
    if (!qr) continue;
    q.queues[*id] = Queue{*qu, col(*qr, "dscp").optional_integer(), col(*qr, "other_config").as_string_map(),
                          col(*qr, "external_ids").as_string_map()};
  }
  return q;
}

Port read_port(const Tables& t, const Uuid& pu, const Row& r) {
  Port port;
  port.uuid = pu;
  port.name = string_or_empty(r, "name");
  port.tag = col(r, "tag").optional_integer();
  port.external_ids = col(r, "external_ids").as_string_map();
  port.trunks = integers(col(r, "trunks"));
  port.vlan_mode = col(r, "vlan_mode").optional_string();
  port.bond_mode = col(r, "bond_mode").optional_string();
  port.lacp = col(r, "lacp").optional_string();
  port.other_config = col(r, "other_config").as_string_map();
  port.bond_active_slave = col(r, "bond_active_slave").optional_string();
  if (auto p = col(r, "protected"); !p.empty()) port.protected_ = p.as_boolean();
  for (const auto& qu : col(r, "qos").uuids())
    if (const Row* q = find(t, "QoS", qu)) port.qos = read_qos(t, qu, *q);
  for (const auto& iu : col(r, "interfaces").uuids()) {
    const Row* i = find(t, "Interface", iu);
    if (!i) continue;
    Interface iface;
    iface.uuid = iu;
    iface.name = string_or_empty(*i, "name");
    iface.type = string_or_empty(*i, "type");
    iface.options = col(*i, "options").as_string_map();
    iface.ofport = col(*i, "ofport").optional_integer();
    iface.error = col(*i, "error").optional_string();
    iface.external_ids = col(*i, "external_ids").as_string_map();
    iface.ingress_policing_rate = col(*i, "ingress_policing_rate").optional_integer().value_or(0);
    iface.ingress_policing_burst = col(*i, "ingress_policing_burst").optional_integer().value_or(0);
    iface.other_config = col(*i, "other_config").as_string_map();
    iface.link_state = col(*i, "link_state").optional_string();
    port.interfaces.push_back(std::move(iface));
  }
  std::sort(port.interfaces.begin(), port.interfaces.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return port;
}

Mirror read_mirror(const Uuid& mu, const Row& r, const std::map<Uuid, std::string>& port_names) {
  auto names = [&](const Datum& d) {
    std::vector<std::string> out;
    for (const auto& u : d.uuids()) {
      auto it = port_names.find(u);
      if (it != port_names.end()) out.push_back(it->second);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  Mirror m;
  m.uuid = mu;
  m.name = string_or_empty(r, "name");
  m.select_all = boolean(r, "select_all");
  m.select_src_port = names(col(r, "select_src_port"));
  m.select_dst_port = names(col(r, "select_dst_port"));
  m.select_vlan = integers(col(r, "select_vlan"));
  auto out = names(col(r, "output_port"));
  if (!out.empty()) m.output_port = out[0];
  m.output_vlan = col(r, "output_vlan").optional_integer();
  m.external_ids = col(r, "external_ids").as_string_map();
  return m;
}

Bridge read_bridge(const Tables& t, const Uuid& bu, const Row& r) {
  Bridge bridge;
  bridge.uuid = bu;
  bridge.name = string_or_empty(r, "name");
  bridge.datapath_type = string_or_empty(r, "datapath_type");
  bridge.external_ids = col(r, "external_ids").as_string_map();
  bridge.stp_enable = boolean(r, "stp_enable");
  bridge.fail_mode = col(r, "fail_mode").optional_string();
  bridge.protocols = col(r, "protocols").strings();
  std::sort(bridge.protocols.begin(), bridge.protocols.end());
  bridge.other_config = col(r, "other_config").as_string_map();
  bridge.datapath_id = col(r, "datapath_id").optional_string();
  bridge.status = col(r, "status").as_string_map();
  std::map<Uuid, std::string> port_names;
  for (const auto& pu : col(r, "ports").uuids()) {
    const Row* p = find(t, "Port", pu);
    if (!p) continue;
    bridge.ports.push_back(read_port(t, pu, *p));
    port_names[pu] = bridge.ports.back().name;
  }
  std::sort(bridge.ports.begin(), bridge.ports.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& cu : col(r, "controller").uuids())
    if (const Row* c = find(t, "Controller", cu))
      bridge.controllers.push_back(Controller{cu, string_or_empty(*c, "target"), col(*c, "external_ids").as_string_map(),
                                              boolean(*c, "is_connected"), col(*c, "inactivity_probe").optional_integer()});
  std::sort(bridge.controllers.begin(), bridge.controllers.end(),
            [](const auto& a, const auto& b) { return a.target < b.target; });
  for (const auto& mu : col(r, "mirrors").uuids())
    if (const Row* m = find(t, "Mirror", mu)) bridge.mirrors.push_back(read_mirror(mu, *m, port_names));
  std::sort(bridge.mirrors.begin(), bridge.mirrors.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& su : col(r, "sflow").uuids())
    if (const Row* s = find(t, "sFlow", su)) {
      SFlow f;
      f.uuid = su;
      f.targets = col(*s, "targets").strings();
      std::sort(f.targets.begin(), f.targets.end());
      f.agent = col(*s, "agent").optional_string();
      f.sampling = col(*s, "sampling").optional_integer();
      f.polling = col(*s, "polling").optional_integer();
      f.header = col(*s, "header").optional_integer();
      f.external_ids = col(*s, "external_ids").as_string_map();
      bridge.sflow = f;
    }
  for (const auto& iu : col(r, "ipfix").uuids())
    if (const Row* s = find(t, "IPFIX", iu)) {
      Ipfix f;
      f.uuid = iu;
      f.targets = col(*s, "targets").strings();
      std::sort(f.targets.begin(), f.targets.end());
      f.sampling = col(*s, "sampling").optional_integer();
      f.obs_domain_id = col(*s, "obs_domain_id").optional_integer();
      f.obs_point_id = col(*s, "obs_point_id").optional_integer();
      f.cache_active_timeout = col(*s, "cache_active_timeout").optional_integer();
      f.cache_max_flows = col(*s, "cache_max_flows").optional_integer();
      f.other_config = col(*s, "other_config").as_string_map();
      f.external_ids = col(*s, "external_ids").as_string_map();
      bridge.ipfix = f;
    }
  return bridge;
}

State assemble(const Tables& t) {
  State s;
  auto roots = t.find("Open_vSwitch");
  if (roots == t.end() || roots->second.empty()) return s;
  const auto& [root_uuid, root] = *roots->second.begin();
  s.root = root_uuid;
  s.next_cfg = col(root, "next_cfg").optional_integer().value_or(0);
  s.cur_cfg = col(root, "cur_cfg").optional_integer().value_or(0);
  for (const auto& bu : col(root, "bridges").uuids())
    if (const Row* b = find(t, "Bridge", bu)) s.bridges.push_back(read_bridge(t, bu, *b));
  std::sort(s.bridges.begin(), s.bridges.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return s;
}

Rows by_uuid(const std::vector<Row>& rows) {
  Rows out;
  for (const auto& r : rows) out.emplace(col(r, "_uuid").as_uuid(), r);
  return out;
}

}  // namespace

const Bridge* State::bridge(const std::string& name) const {
  for (const auto& b : bridges)
    if (b.name == name) return &b;
  return nullptr;
}

const Port* State::port(const std::string& name) const {
  for (const auto& b : bridges)
    for (const auto& p : b.ports)
      if (p.name == name) return &p;
  return nullptr;
}

const Bridge* State::bridge_of_port(const std::string& port_name) const {
  for (const auto& b : bridges)
    for (const auto& p : b.ports)
      if (p.name == port_name) return &b;
  return nullptr;
}

const Interface* State::interface(const std::string& name) const {
  for (const auto& b : bridges)
    for (const auto& p : b.ports)
      for (const auto& i : p.interfaces)
        if (i.name == name) return &i;
  return nullptr;
}

const Port* State::port_of_interface(const std::string& interface_name) const {
  for (const auto& b : bridges)
    for (const auto& p : b.ports)
      for (const auto& i : p.interfaces)
        if (i.name == interface_name) return &p;
  return nullptr;
}

State read_state(Client& client) {
  std::vector<Operation> ops;
  for (const auto& [table, columns] : kColumns) ops.push_back(op::select(table, {}, columns));
  auto results = client.transact(kDatabase, ops);
  Tables t;
  for (std::size_t i = 0; i < kColumns.size(); ++i) t[kColumns[i].first] = by_uuid(results[i].rows);
  return assemble(t);
}

State state_from_cache(const TableCache& cache) {
  Tables t;
  for (const auto& [table, columns] : kColumns) t[table] = cache.rows(table);
  return assemble(t);
}

void monitor_state(Client& client) {
  std::vector<MonitorTable> tables;
  for (const auto& [table, columns] : kColumns) {
    std::set<std::string> cols;
    for (const auto& c : columns)
      if (c != "_uuid") cols.insert(c);
    tables.push_back({table, cols});
  }
  client.monitor(kDatabase, tables);
}

}  // namespace ovsdb::vswitch
