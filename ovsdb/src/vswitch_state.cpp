// Reading Open_vSwitch state into plain structs, from a select transaction or a monitor cache.
#include "ovsdb/vswitch.h"

#include <algorithm>

namespace ovsdb::vswitch {
namespace {

using Rows = std::map<Uuid, Row>;

const std::vector<std::string> kRootColumns = {"_uuid", "bridges", "next_cfg", "cur_cfg"};
const std::vector<std::string> kBridgeColumns = {"_uuid", "name", "datapath_type", "external_ids", "ports", "stp_enable"};
const std::vector<std::string> kPortColumns = {"_uuid", "name", "tag", "external_ids", "interfaces"};
const std::vector<std::string> kInterfaceColumns = {"_uuid", "name",  "type",        "options",
                                                    "ofport", "error", "external_ids"};

const Datum& col(const Row& row, const std::string& column) {
  static const Datum empty;
  auto it = row.find(column);
  return it == row.end() ? empty : it->second;
}

std::string string_or_empty(const Row& row, const std::string& column) {
  return col(row, column).optional_string().value_or("");
}

State assemble(const Rows& root_rows, const Rows& bridges, const Rows& ports, const Rows& interfaces) {
  State s;
  if (root_rows.empty()) return s;
  const auto& [root_uuid, root] = *root_rows.begin();
  s.root = root_uuid;
  s.next_cfg = col(root, "next_cfg").optional_integer().value_or(0);
  s.cur_cfg = col(root, "cur_cfg").optional_integer().value_or(0);
  for (const auto& bu : col(root, "bridges").uuids()) {
    auto b = bridges.find(bu);
    if (b == bridges.end()) continue;
    Bridge bridge;
    bridge.uuid = bu;
    bridge.name = string_or_empty(b->second, "name");
    bridge.datapath_type = string_or_empty(b->second, "datapath_type");
    bridge.external_ids = col(b->second, "external_ids").as_string_map();
    bridge.stp_enable = col(b->second, "stp_enable").size() == 1 && col(b->second, "stp_enable").as_boolean();
    for (const auto& pu : col(b->second, "ports").uuids()) {
      auto p = ports.find(pu);
      if (p == ports.end()) continue;
      Port port;
      port.uuid = pu;
      port.name = string_or_empty(p->second, "name");
      port.tag = col(p->second, "tag").optional_integer();
      port.external_ids = col(p->second, "external_ids").as_string_map();
      for (const auto& iu : col(p->second, "interfaces").uuids()) {
        auto i = interfaces.find(iu);
        if (i == interfaces.end()) continue;
        Interface iface;
        iface.uuid = iu;
        iface.name = string_or_empty(i->second, "name");
        iface.type = string_or_empty(i->second, "type");
        iface.options = col(i->second, "options").as_string_map();
        iface.ofport = col(i->second, "ofport").optional_integer();
        iface.error = col(i->second, "error").optional_string();
        iface.external_ids = col(i->second, "external_ids").as_string_map();
        port.interfaces.push_back(std::move(iface));
      }
      std::sort(port.interfaces.begin(), port.interfaces.end(),
                [](const auto& a, const auto& b) { return a.name < b.name; });
      bridge.ports.push_back(std::move(port));
    }
    std::sort(bridge.ports.begin(), bridge.ports.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    s.bridges.push_back(std::move(bridge));
  }
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

State read_state(Client& client) {
  auto results = client.transact(kDatabase, {
                                                op::select("Open_vSwitch", {}, kRootColumns),
                                                op::select("Bridge", {}, kBridgeColumns),
                                                op::select("Port", {}, kPortColumns),
                                                op::select("Interface", {}, kInterfaceColumns),
                                            });
  return assemble(by_uuid(results[0].rows), by_uuid(results[1].rows), by_uuid(results[2].rows),
                  by_uuid(results[3].rows));
}

State state_from_cache(const TableCache& cache) {
  return assemble(cache.rows("Open_vSwitch"), cache.rows("Bridge"), cache.rows("Port"), cache.rows("Interface"));
}

void monitor_state(Client& client) {
  auto columns = [](const std::vector<std::string>& cols) {
    std::set<std::string> out;
    for (const auto& c : cols)
      if (c != "_uuid") out.insert(c);
    return out;
  };
  client.monitor(kDatabase, {{"Open_vSwitch", columns(kRootColumns)},
                             {"Bridge", columns(kBridgeColumns)},
                             {"Port", columns(kPortColumns)},
                             {"Interface", columns(kInterfaceColumns)}});
}

}  // namespace ovsdb::vswitch
