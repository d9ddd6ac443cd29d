// Planning a lab's change in the OVN Northbound database: checks, then the difference between
// what the lab owns and what it wants as one transaction's operations. Pure; see ovn_nb.h.
// Rows are written the way ovn-nbctl writes them: a new port is inserted and added to its
// switch's (router's) `ports` set by a mutate; a removed port is taken out of the set and
// deleted; a removed switch or router is deleted (its ports, not root rows, go with it).
// Several clients may write one lab at once (nswire on each host of a lab): the transaction
// carries `wait` guards, so it fails instead of creating a second switch of a name, or deleting
// a switch another client just added a port to; the caller then reads and plans again.
#include "ovsdb/ovn_nb.h"

#include "ovsdb/error.h"

#include <cctype>
#include <set>

namespace ovsdb::ovn_nb {
namespace {

bool owned_by(const StringMap& ids, const std::string& lab) {
  auto it = ids.find(kOwnerKey);
  return it != ids.end() && it->second == lab;
}

std::string owner_of(const StringMap& ids) {
  auto it = ids.find(kOwnerKey);
  return it == ids.end() ? "nobody (no external_ids:nswire-lab)" : "lab " + it->second;
}

bool looks_like_mac(const std::string& mac) {
  if (mac.size() != 17) return false;
  for (std::size_t i = 0; i < mac.size(); ++i) {
    char c = mac[i];
    if (i % 3 == 2 ? c != ':' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

class Planner {
 public:
  Planner(const State& current, const Lab& want, Plan& plan) : cur_(current), want_(want), plan_(plan) {}

  void run() {
    validate();
    check_clashes();
    for (const auto& sw : want_.switches) {
      if (auto i = owned_switch(sw.name)) diff_switch(*i, sw);
      else insert_switch(sw);
    }
    for (std::size_t i = 0; i < cur_.switches.size(); ++i) {
      const Switch& sw = cur_.switches[i];
      if (owned_by(sw.external_ids, want_.name) && !wanted_switch(sw.name)) delete_switch(i);
    }
    for (const auto& r : want_.routers) {
      if (auto i = owned_router(r.name)) diff_router(*i, r);
      else insert_router(r);
    }
    for (std::size_t i = 0; i < cur_.routers.size(); ++i) {
      const Router& r = cur_.routers[i];
      if (owned_by(r.external_ids, want_.name) && !wanted_router(r.name)) delete_router(i);
    }
    if (plan_.ops.empty()) return;
    // Like ovn-nbctl: ask for the change to be reported back through nb_cfg -> sb_cfg -> hv_cfg.
    if (cur_.nb_global.value.empty()) {
      plan_.ops.push_back(op::insert("NB_Global", {{"nb_cfg", Datum::integer(1)}}));
    } else {
      plan_.ops.push_back(op::mutate("NB_Global", {where_uuid(cur_.nb_global)}, {{"nb_cfg", "+=", Datum::integer(1)}}));
    }
    plan_.nb_cfg_select = plan_.ops.size();
    plan_.ops.push_back(op::select("NB_Global", {}, {"nb_cfg"}));
  }

 private:
  [[noreturn]] void invalid(const std::string& what) const {
    throw Error("plan OVN lab " + want_.name, "invalid lab", what);
  }
  [[noreturn]] void clash(const std::string& what) const {
    throw Error("plan OVN lab " + want_.name, "conflict", what);
  }

  void validate() const {
    if (want_.name.empty()) invalid("the lab has no name");
    std::set<std::string> switches, routers, switch_ports, router_ports;
    for (const auto& r : want_.routers) {
      if (r.name.empty()) invalid("a logical router has no name");
      if (!routers.insert(r.name).second) invalid("logical router " + r.name + " appears twice");
      for (const auto& p : r.ports) {
        std::string where = "logical router port " + p.name + " of " + r.name;
        if (p.name.empty()) invalid("a port of logical router " + r.name + " has no name");
        if (!router_ports.insert(p.name).second) invalid("logical router port " + p.name + " appears twice");
        if (!looks_like_mac(p.mac)) invalid(where + ": mac \"" + p.mac + "\" is not of the form 02:00:00:00:00:01");
        if (p.networks.empty()) invalid(where + ": needs at least one network (e.g. 10.0.0.1/24)");
      }
    }
    for (const auto& s : want_.switches) {
      if (s.name.empty()) invalid("a logical switch has no name");
      if (!switches.insert(s.name).second) invalid("logical switch " + s.name + " appears twice");
      for (const auto& p : s.ports) {
        if (p.name.empty()) invalid("a port of logical switch " + s.name + " has no name");
        if (!switch_ports.insert(p.name).second) invalid("logical switch port " + p.name + " appears twice");
        if (p.type == "router") {
          auto rp = p.options.find("router-port");
          if (rp == p.options.end() || !router_ports.count(rp->second))
            invalid("logical switch port " + p.name + " of " + s.name +
                    ": type router needs options:router-port naming a port of one of the lab's routers");
        }
      }
    }
  }

  // A row of a wanted name that the lab does not own is never adopted.
  void check_clashes() const {
    for (const auto& sw : want_.switches)
      for (const auto& have : cur_.switches)
        if (have.name == sw.name && !owned_by(have.external_ids, want_.name))
          clash("logical switch " + sw.name + " exists and belongs to " + owner_of(have.external_ids));
    for (const auto& r : want_.routers)
      for (const auto& have : cur_.routers)
        if (have.name == r.name && !owned_by(have.external_ids, want_.name))
          clash("logical router " + r.name + " exists and belongs to " + owner_of(have.external_ids));
    // Port names are unique in the whole database (an index): one the lab wants may exist only
    // as the lab's own port on one of the lab's switches (it is then updated, or moved).
    for (const auto& have : cur_.switches)
      for (const auto& p : have.ports)
        for (const auto& want : want_.switches)
          for (const auto& wp : want.ports)
            if (wp.name == p.name && !(owned_by(p.external_ids, want_.name) && owned_by(have.external_ids, want_.name)))
              clash("logical switch port " + p.name + " exists on logical switch " + have.name + " and belongs to " +
                    owner_of(owned_by(p.external_ids, want_.name) ? have.external_ids : p.external_ids));
    for (const auto& have : cur_.routers)
      for (const auto& p : have.ports)
        for (const auto& want : want_.routers)
          for (const auto& wp : want.ports)
            if (wp.name == p.name && !(owned_by(p.external_ids, want_.name) && owned_by(have.external_ids, want_.name)))
              clash("logical router port " + p.name + " exists on logical router " + have.name + " and belongs to " +
                    owner_of(owned_by(p.external_ids, want_.name) ? have.external_ids : p.external_ids));
  }

  std::optional<std::size_t> owned_switch(const std::string& name) const {
    for (std::size_t i = 0; i < cur_.switches.size(); ++i)
      if (cur_.switches[i].name == name && owned_by(cur_.switches[i].external_ids, want_.name)) return i;
    return std::nullopt;
  }
  std::optional<std::size_t> owned_router(const std::string& name) const {
    for (std::size_t i = 0; i < cur_.routers.size(); ++i)
      if (cur_.routers[i].name == name && owned_by(cur_.routers[i].external_ids, want_.name)) return i;
    return std::nullopt;
  }
  bool wanted_switch(const std::string& name) const {
    for (const auto& s : want_.switches)
      if (s.name == name) return true;
    return false;
  }
  bool wanted_router(const std::string& name) const {
    for (const auto& r : want_.routers)
      if (r.name == name) return true;
    return false;
  }

  std::string fresh(const char* prefix) { return std::string(prefix) + std::to_string(++counter_); }

  // Fails the transaction if a row of that name appeared meanwhile: names of switches and routers
  // are not unique in the schema, so two clients creating the same one at once would make two.
  void absent(const std::string& table, const std::string& name) {
    plan_.ops.push_back(op::wait(table, {where_eq("name", Datum::string(name))}, {"name"}, "==", {}, 0));
  }

  // Fails the transaction if a row we change was deleted (or renamed) meanwhile, or if a column
  // we change from what we read (`seen`: its ports set, a map we replace) was changed by another
  // writer: their change is not lost, ours is planned again.
  void require(const std::string& table, const Uuid& uuid, const std::string& name, Row seen = {}) {
    if (!required_.insert(uuid).second) return;
    seen["name"] = Datum::string(name);
    std::vector<std::string> columns;
    for (const auto& [column, value] : seen) columns.push_back(column);
    plan_.ops.push_back(op::wait(table, {where_uuid(uuid)}, columns, "==", {seen}, 0));
  }

  Datum port_set(const std::vector<SwitchPort>& ports) const {
    Datum::Set set;
    for (const auto& p : ports) set.emplace_back(cur_.switch_port_uuid.at(p.name));
    return Datum::set(set);
  }
  Datum port_set(const std::vector<RouterPort>& ports) const {
    Datum::Set set;
    for (const auto& p : ports) set.emplace_back(cur_.router_port_uuid.at(p.name));
    return Datum::set(set);
  }

  NamedUuid insert_switch_port(const SwitchPort& p) {
    Row row{{"name", Datum::string(p.name)}, {"external_ids", Datum::string_map(p.external_ids)}};
    if (!p.type.empty()) row["type"] = Datum::string(p.type);
    if (!p.addresses.empty()) row["addresses"] = Datum::string_set(p.addresses);
    if (!p.port_security.empty()) row["port_security"] = Datum::string_set(p.port_security);
    if (!p.options.empty()) row["options"] = Datum::string_map(p.options);
    std::string name = fresh("lsp");
    plan_.ops.push_back(op::insert("Logical_Switch_Port", row, name));
    return NamedUuid{name};
  }

  NamedUuid insert_router_port(const RouterPort& p) {
    Row row{{"name", Datum::string(p.name)},
            {"mac", Datum::string(p.mac)},
            {"networks", Datum::string_set(p.networks)},
            {"external_ids", Datum::string_map(p.external_ids)}};
    std::string name = fresh("lrp");
    plan_.ops.push_back(op::insert("Logical_Router_Port", row, name));
    return NamedUuid{name};
  }

  void insert_switch(const Switch& sw) {
    Datum::Set ports;
    for (const auto& p : sw.ports) ports.emplace_back(insert_switch_port(p));
    Row row{{"name", Datum::string(sw.name)},
            {"ports", Datum::set(ports)},
            {"external_ids", Datum::string_map(sw.external_ids)}};
    if (!sw.other_config.empty()) row["other_config"] = Datum::string_map(sw.other_config);
    absent("Logical_Switch", sw.name);
    plan_.ops.push_back(op::insert("Logical_Switch", row, fresh("ls")));
    plan_.changes.push_back("create logical switch " + sw.name + " with " + std::to_string(sw.ports.size()) + " port(s)");
  }

  void insert_router(const Router& r) {
    Datum::Set ports;
    for (const auto& p : r.ports) ports.emplace_back(insert_router_port(p));
    Row row{{"name", Datum::string(r.name)},
            {"ports", Datum::set(ports)},
            {"external_ids", Datum::string_map(r.external_ids)}};
    absent("Logical_Router", r.name);
    plan_.ops.push_back(op::insert("Logical_Router", row, fresh("lr")));
    plan_.changes.push_back("create logical router " + r.name + " with " + std::to_string(r.ports.size()) + " port(s)");
  }

  void diff_switch(std::size_t index, const Switch& want) {
    const Switch& have = cur_.switches[index];
    const Uuid& uuid = cur_.switch_rows[index];
    Row row;
    std::vector<std::string> what;
    if (have.other_config != want.other_config) {
      row["other_config"] = Datum::string_map(want.other_config);
      what.push_back("other_config");
    }
    if (have.external_ids != want.external_ids) {
      row["external_ids"] = Datum::string_map(want.external_ids);
      what.push_back("external_ids");
    }
    std::map<std::string, const SwitchPort*> old;
    for (const auto& p : have.ports)
      if (owned_by(p.external_ids, want_.name)) old[p.name] = &p;
    Datum::Set add, drop;
    for (const auto& p : want.ports) {
      auto it = old.find(p.name);
      if (it == old.end()) {
        add.emplace_back(insert_switch_port(p));
        plan_.changes.push_back("add port " + p.name + " to logical switch " + want.name);
        continue;
      }
      update_switch_port(*it->second, p);
      old.erase(it);
    }
    for (const auto& [name, p] : old) {
      const Uuid& pu = cur_.switch_port_uuid.at(name);
      drop.emplace_back(pu);
      plan_.changes.push_back("remove port " + name + " from logical switch " + want.name);
    }
    std::vector<Mutation> mutations;
    if (!drop.empty()) mutations.push_back({"ports", "delete", Datum::set(drop)});
    if (!add.empty()) mutations.push_back({"ports", "insert", Datum::set(add)});
    if (row.empty() && mutations.empty()) return;
    Row seen;
    if (!mutations.empty()) seen["ports"] = port_set(have.ports);
    if (row.count("other_config")) seen["other_config"] = Datum::string_map(have.other_config);
    if (row.count("external_ids")) seen["external_ids"] = Datum::string_map(have.external_ids);
    require("Logical_Switch", uuid, have.name, seen);
    if (!row.empty()) {
      plan_.ops.push_back(op::update("Logical_Switch", {where_uuid(uuid)}, row));
      plan_.changes.push_back("update logical switch " + want.name + " (" + join(what) + ")");
    }
    if (!mutations.empty()) plan_.ops.push_back(op::mutate("Logical_Switch", {where_uuid(uuid)}, mutations));
    for (const auto& d : drop) plan_.ops.push_back(op::delete_rows("Logical_Switch_Port", {where_uuid(std::get<Uuid>(d))}));
  }

  void update_switch_port(const SwitchPort& have, const SwitchPort& want) {
    Row row;
    std::vector<std::string> what;
    if (have.type != want.type) row["type"] = Datum::string(want.type), what.push_back("type");
    if (have.addresses != want.addresses) row["addresses"] = Datum::string_set(want.addresses), what.push_back("addresses");
    if (have.port_security != want.port_security)
      row["port_security"] = Datum::string_set(want.port_security), what.push_back("port_security");
    if (have.options != want.options) row["options"] = Datum::string_map(want.options), what.push_back("options");
    if (have.external_ids != want.external_ids)
      row["external_ids"] = Datum::string_map(want.external_ids), what.push_back("external_ids");
    if (row.empty()) return;
    const Uuid& uuid = cur_.switch_port_uuid.at(have.name);
    require("Logical_Switch_Port", uuid, have.name);
    plan_.ops.push_back(op::update("Logical_Switch_Port", {where_uuid(uuid)}, row));
    plan_.changes.push_back("update port " + want.name + " (" + join(what) + ")");
  }

  void diff_router(std::size_t index, const Router& want) {
    const Router& have = cur_.routers[index];
    const Uuid& uuid = cur_.router_rows[index];
    Row row;
    if (have.external_ids != want.external_ids) row["external_ids"] = Datum::string_map(want.external_ids);
    std::map<std::string, const RouterPort*> old;
    for (const auto& p : have.ports)
      if (owned_by(p.external_ids, want_.name)) old[p.name] = &p;
    Datum::Set add, drop;
    for (const auto& p : want.ports) {
      auto it = old.find(p.name);
      if (it == old.end()) {
        add.emplace_back(insert_router_port(p));
        plan_.changes.push_back("add port " + p.name + " to logical router " + want.name);
        continue;
      }
      update_router_port(*it->second, p);
      old.erase(it);
    }
    for (const auto& [name, p] : old) {
      drop.emplace_back(cur_.router_port_uuid.at(name));
      plan_.changes.push_back("remove port " + name + " from logical router " + want.name);
    }
    std::vector<Mutation> mutations;
    if (!drop.empty()) mutations.push_back({"ports", "delete", Datum::set(drop)});
    if (!add.empty()) mutations.push_back({"ports", "insert", Datum::set(add)});
    if (row.empty() && mutations.empty()) return;
    Row seen;
    if (!mutations.empty()) seen["ports"] = port_set(have.ports);
    if (row.count("external_ids")) seen["external_ids"] = Datum::string_map(have.external_ids);
    require("Logical_Router", uuid, have.name, seen);
    if (!row.empty()) {
      plan_.ops.push_back(op::update("Logical_Router", {where_uuid(uuid)}, row));
      plan_.changes.push_back("update logical router " + want.name + " (external_ids)");
    }
    if (!mutations.empty()) plan_.ops.push_back(op::mutate("Logical_Router", {where_uuid(uuid)}, mutations));
    for (const auto& d : drop) plan_.ops.push_back(op::delete_rows("Logical_Router_Port", {where_uuid(std::get<Uuid>(d))}));
  }

  void update_router_port(const RouterPort& have, const RouterPort& want) {
    Row row;
    std::vector<std::string> what;
    if (have.mac != want.mac) row["mac"] = Datum::string(want.mac), what.push_back("mac");
    if (have.networks != want.networks) row["networks"] = Datum::string_set(want.networks), what.push_back("networks");
    if (have.external_ids != want.external_ids)
      row["external_ids"] = Datum::string_map(want.external_ids), what.push_back("external_ids");
    if (row.empty()) return;
    const Uuid& uuid = cur_.router_port_uuid.at(have.name);
    require("Logical_Router_Port", uuid, have.name);
    plan_.ops.push_back(op::update("Logical_Router_Port", {where_uuid(uuid)}, row));
    plan_.changes.push_back("update port " + want.name + " (" + join(what) + ")");
  }

  // A switch someone else added ports to stays: removing it would remove their ports.
  void delete_switch(std::size_t index) {
    const Switch& sw = cur_.switches[index];
    for (const auto& p : sw.ports)
      if (!owned_by(p.external_ids, want_.name))
        clash("logical switch " + sw.name + " holds port " + p.name + " of " + owner_of(p.external_ids) +
              "; remove that port first");
    // ... and fails the transaction if a port was added to it meanwhile (by another client).
    Datum::Set seen;
    for (const auto& p : sw.ports) seen.emplace_back(cur_.switch_port_uuid.at(p.name));
    plan_.ops.push_back(op::wait("Logical_Switch", {where_uuid(cur_.switch_rows[index])}, {"ports"}, "==",
                                 {Row{{"ports", Datum::set(seen)}}}, 0));
    plan_.ops.push_back(op::delete_rows("Logical_Switch", {where_uuid(cur_.switch_rows[index])}));
    for (const auto& p : sw.ports)
      plan_.ops.push_back(op::delete_rows("Logical_Switch_Port", {where_uuid(cur_.switch_port_uuid.at(p.name))}));
    plan_.changes.push_back("remove logical switch " + sw.name);
  }

  void delete_router(std::size_t index) {
    const Router& r = cur_.routers[index];
    for (const auto& p : r.ports)
      if (!owned_by(p.external_ids, want_.name))
        clash("logical router " + r.name + " holds port " + p.name + " of " + owner_of(p.external_ids) +
              "; remove that port first");
    Datum::Set seen;
    for (const auto& p : r.ports) seen.emplace_back(cur_.router_port_uuid.at(p.name));
    plan_.ops.push_back(op::wait("Logical_Router", {where_uuid(cur_.router_rows[index])}, {"ports"}, "==",
                                 {Row{{"ports", Datum::set(seen)}}}, 0));
    plan_.ops.push_back(op::delete_rows("Logical_Router", {where_uuid(cur_.router_rows[index])}));
    for (const auto& p : r.ports)
      plan_.ops.push_back(op::delete_rows("Logical_Router_Port", {where_uuid(cur_.router_port_uuid.at(p.name))}));
    plan_.changes.push_back("remove logical router " + r.name);
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  const State& cur_;
  const Lab& want_;
  Plan& plan_;
  int counter_ = 0;
  std::set<Uuid> required_;
};

}  // namespace

Plan plan(const State& current, const Lab& desired) {
  Lab want = normalized(desired);
  Plan out;
  Planner(current, want, out).run();
  return out;
}

}  // namespace ovsdb::ovn_nb
