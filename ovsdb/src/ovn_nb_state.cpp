// Reading the OVN Northbound database into plain structs, the schema check, and the lab's own
// view of it (ownership marks, canonical order); see ovn_nb.h.
#include "ovsdb/ovn_nb.h"

#include "ovsdb/error.h"

#include <algorithm>

namespace ovsdb::ovn_nb {
namespace {

using Rows = std::map<Uuid, Row>;

// Every table and column this module reads or writes, checked against the server's schema.
const std::map<std::string, std::vector<std::string>> kColumns = {
    {"NB_Global", {"nb_cfg", "sb_cfg", "hv_cfg"}},
    {"Logical_Switch", {"name", "ports", "other_config", "external_ids"}},
    {"Logical_Switch_Port", {"name", "type", "addresses", "port_security", "options", "external_ids", "up"}},
    {"Logical_Router", {"name", "ports", "external_ids"}},
    {"Logical_Router_Port", {"name", "mac", "networks", "external_ids"}},
};

std::vector<std::string> with_uuid(const std::vector<std::string>& columns) {
  std::vector<std::string> out = {"_uuid"};
  out.insert(out.end(), columns.begin(), columns.end());
  return out;
}

const Datum& col(const Row& row, const std::string& column) {
  static const Datum empty;
  auto it = row.find(column);
  return it == row.end() ? empty : it->second;
}

std::string text(const Row& row, const std::string& column) { return col(row, column).optional_string().value_or(""); }

Rows by_uuid(const std::vector<Row>& rows) {
  Rows out;
  for (const auto& r : rows) out.emplace(col(r, "_uuid").as_uuid(), r);
  return out;
}

template <class T>
void sort_by_name(std::vector<T>& v) {
  std::sort(v.begin(), v.end(), [](const T& a, const T& b) { return a.name < b.name; });
}

void sort_set(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool owned_by(const StringMap& external_ids, const std::string& lab) {
  auto it = external_ids.find(kOwnerKey);
  return it != external_ids.end() && it->second == lab;
}

}  // namespace

void connect(Switch& sw, Router& router, const RouterPort& router_port, const std::string& switch_port) {
  router.ports.push_back(router_port);
  sw.ports.push_back(
      SwitchPort{switch_port, "router", {"router"}, {}, {{"router-port", router_port.name}}, {}});
}

Lab normalized(const Lab& lab) {
  Lab out = lab;
  auto mark = [&](StringMap& ids) { ids[kOwnerKey] = lab.name; };
  for (auto& s : out.switches) {
    mark(s.external_ids);
    for (auto& p : s.ports) {
      mark(p.external_ids);
      sort_set(p.addresses);
      sort_set(p.port_security);
    }
    sort_by_name(s.ports);
  }
  for (auto& r : out.routers) {
    mark(r.external_ids);
    for (auto& p : r.ports) {
      mark(p.external_ids);
      sort_set(p.networks);
    }
    sort_by_name(r.ports);
  }
  sort_by_name(out.switches);
  sort_by_name(out.routers);
  return out;
}

const Switch* State::find_switch(const std::string& name) const {
  for (const auto& s : switches)
    if (s.name == name) return &s;
  return nullptr;
}

const Router* State::find_router(const std::string& name) const {
  for (const auto& r : routers)
    if (r.name == name) return &r;
  return nullptr;
}

Lab observed_lab(const State& state, const std::string& lab) {
  Lab out{lab, {}, {}};
  for (const auto& s : state.switches) {
    if (!owned_by(s.external_ids, lab)) continue;
    Switch copy = s;
    std::erase_if(copy.ports, [&](const SwitchPort& p) { return !owned_by(p.external_ids, lab); });
    out.switches.push_back(std::move(copy));
  }
  for (const auto& r : state.routers) {
    if (!owned_by(r.external_ids, lab)) continue;
    Router copy = r;
    std::erase_if(copy.ports, [&](const RouterPort& p) { return !owned_by(p.external_ids, lab); });
    out.routers.push_back(std::move(copy));
  }
  return out;  // already in canonical order: read_state sorts, datums are sorted sets
}

void check_schema(const Schema& schema) {
  if (schema.name != kDatabase)
    throw Error("check schema", "wrong database", "expected " + std::string(kDatabase) + ", the server serves " + schema.name);
  for (const auto& [table, columns] : kColumns) {
    auto t = schema.tables.find(table);
    if (t == schema.tables.end())
      throw Error("check schema " + std::string(kDatabase), "no such table",
                  "table " + table + " is missing (schema version " + schema.version + ")");
    for (const auto& c : columns)
      if (!t->second.columns.count(c))
        throw Error("check schema " + std::string(kDatabase), "no such column",
                    "column " + table + "." + c + " is missing (schema version " + schema.version + ")");
  }
}

State read_state(Client& client) {
  std::vector<Operation> ops;
  std::vector<std::string> tables;
  for (const auto& [table, columns] : kColumns) {
    tables.push_back(table);
    ops.push_back(op::select(table, {}, with_uuid(columns)));
  }
  auto results = client.transact(kDatabase, ops);
  std::map<std::string, Rows> rows;
  for (std::size_t i = 0; i < tables.size(); ++i) rows[tables[i]] = by_uuid(results[i].rows);

  State s;
  if (!rows["NB_Global"].empty()) {
    const auto& [uuid, g] = *rows["NB_Global"].begin();
    s.nb_global = uuid;
    s.nb_cfg = col(g, "nb_cfg").optional_integer().value_or(0);
    s.sb_cfg = col(g, "sb_cfg").optional_integer().value_or(0);
    s.hv_cfg = col(g, "hv_cfg").optional_integer().value_or(0);
  }
  std::vector<std::pair<Switch, Uuid>> switches;
  std::vector<std::pair<Router, Uuid>> routers;
  for (const auto& [uuid, r] : rows["Logical_Switch"]) {
    Switch sw{text(r, "name"), col(r, "other_config").as_string_map(), col(r, "external_ids").as_string_map(), {}};
    for (const auto& pu : col(r, "ports").uuids()) {
      auto p = rows["Logical_Switch_Port"].find(pu);
      if (p == rows["Logical_Switch_Port"].end()) continue;
      const Row& pr = p->second;
      SwitchPort port{text(pr, "name"),          text(pr, "type"),
                      col(pr, "addresses").strings(), col(pr, "port_security").strings(),
                      col(pr, "options").as_string_map(), col(pr, "external_ids").as_string_map()};
      if (auto up = col(pr, "up"); !up.empty()) s.port_up[port.name] = up.as_boolean();
      s.switch_port_uuid[port.name] = pu;
      sw.ports.push_back(std::move(port));
    }
    sort_by_name(sw.ports);
    switches.emplace_back(std::move(sw), uuid);
  }
  for (const auto& [uuid, r] : rows["Logical_Router"]) {
    Router router{text(r, "name"), col(r, "external_ids").as_string_map(), {}};
    for (const auto& pu : col(r, "ports").uuids()) {
      auto p = rows["Logical_Router_Port"].find(pu);
      if (p == rows["Logical_Router_Port"].end()) continue;
      const Row& pr = p->second;
      RouterPort port{text(pr, "name"), text(pr, "mac"), col(pr, "networks").strings(),
                      col(pr, "external_ids").as_string_map()};
      s.router_port_uuid[port.name] = pu;
      router.ports.push_back(std::move(port));
    }
    sort_by_name(router.ports);
    routers.emplace_back(std::move(router), uuid);
  }
  auto by_name = [](const auto& a, const auto& b) { return a.first.name < b.first.name; };
  std::stable_sort(switches.begin(), switches.end(), by_name);
  std::stable_sort(routers.begin(), routers.end(), by_name);
  for (auto& [sw, uuid] : switches) {
    s.switches.push_back(std::move(sw));
    s.switch_rows.push_back(uuid);
  }
  for (auto& [router, uuid] : routers) {
    s.routers.push_back(std::move(router));
    s.router_rows.push_back(uuid);
  }
  return s;
}

}  // namespace ovsdb::ovn_nb
