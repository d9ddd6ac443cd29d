// The embedded OVN; see embedded_ovn.h. Every daemon gets explicit paths under
// /run/nswire/ovn, and OVN_RUNDIR/OVN_LOGDIR/OVN_DBDIR point there too, so that nothing lands
// in the machine's /var/run/ovn (which Debian's own ovn-central/ovn-host services use).
#include "embedded_ovn.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "../ovs/embedded.h"
#include "embedded_daemon.h"
#include "nswire/error.h"
#include "ovsdb/client.h"
#include "ovsdb/error.h"
#include "ovsdb/vswitch.h"

namespace nswire::backend::ovn {
namespace fs = std::filesystem;
namespace {

constexpr const char* kNbSchema = "/usr/share/ovn/ovn-nb.ovsschema";
constexpr const char* kSbSchema = "/usr/share/ovn/ovn-sb.ovsschema";
constexpr const char* kIntegrationBridge = "br-int";

std::string path(const std::string& leaf) { return std::string(kEmbeddedDir) + "/" + leaf; }

std::vector<std::string> ovn_env() {
  std::string dir = kEmbeddedDir;
  return {"OVN_RUNDIR=" + dir, "OVN_LOGDIR=" + dir, "OVN_DBDIR=" + dir};
}

bool running(const std::string& pidfile) { return daemon::alive(daemon::read_pid(path(pidfile))); }

ovsdb::ClientOptions quick(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  ovsdb::ClientOptions o;
  o.timeout = timeout;
  o.reconnect = false;
  o.probe_interval = std::chrono::milliseconds(0);
  return o;
}

// One ovsdb-server for `db` ("ovnnb_db" | "ovnsb_db") on a fresh database file.
void start_database(const std::string& db, const char* schema, const std::vector<std::string>& remotes) {
  std::string tool = daemon::find_binary("ovsdb-tool", "openvswitch-common");
  std::string server = daemon::find_binary("ovsdb-server", "openvswitch-switch");
  std::error_code ec;
  fs::remove(path(db + ".db"), ec);
  daemon::run("create the embedded OVN " + db + " database", {tool, "create", path(db + ".db"), schema}, ovn_env(),
              path(db + ".stderr"));
  std::vector<std::string> argv = {server, path(db + ".db"), "--remote=punix:" + path(db + ".sock")};
  for (const auto& r : remotes) argv.push_back("--remote=" + r);
  argv.insert(argv.end(), {"--unixctl=" + path(db + ".ctl"), "--pidfile=" + path(db + ".pid"),
                           "--log-file=" + path(db + ".log"), "--detach", "--no-chdir", "-vconsole:off"});
  daemon::run("start the embedded OVN " + db + " ovsdb-server", argv, ovn_env(), path(db + ".stderr"));
}

std::string hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) throw Error("embedded OVN: gethostname failed; give a system-id");
  return buf;
}

// What start_embedded() changed on the local Open vSwitch, to undo it on stop.
struct LocalChanges {
  std::string ovs;
  std::map<std::string, std::string> set;                       // external_ids written
  std::map<std::string, std::optional<std::string>> previous;   // their values before
  bool created_br_int = false;
};

void save(const LocalChanges& c) {
  nlohmann::json j;
  j["ovs"] = c.ovs;
  j["set"] = c.set;
  for (const auto& [k, v] : c.previous) j["previous"][k] = v ? nlohmann::json(*v) : nlohmann::json();
  j["created_br_int"] = c.created_br_int;
  std::ofstream(path("local-ovs.json")) << j.dump(2) << "\n";
}

std::optional<LocalChanges> load() {
  std::ifstream f(path("local-ovs.json"));
  if (!f) return std::nullopt;
  auto j = nlohmann::json::parse(f, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  LocalChanges c;
  c.ovs = j.value("ovs", "");
  c.set = j.value("set", std::map<std::string, std::string>{});
  if (j.contains("previous"))
    for (const auto& [k, v] : j["previous"].items()) c.previous[k] = v.is_string() ? std::optional(v.get<std::string>()) : std::nullopt;
  c.created_br_int = j.value("created_br_int", false);
  return c;
}

ovsdb::Row root_row(ovsdb::Client& ovs) {
  auto r = ovs.transact(ovsdb::vswitch::kDatabase, {ovsdb::op::select("Open_vSwitch", {}, {"_uuid", "external_ids"})});
  if (r.at(0).rows.empty())
    throw Error("embedded OVN: the Open vSwitch database at " + ovs.target() + " has no Open_vSwitch row");
  return r[0].rows[0];
}

// Replaces `keys` of the root row's external_ids with `values` (absent = removed), one mutate pair.
void set_external_ids(ovsdb::Client& ovs, const ovsdb::Uuid& root, const std::vector<std::string>& keys,
                      const std::map<std::string, std::string>& values) {
  ovsdb::Datum::Set remove;
  for (const auto& k : keys) remove.emplace_back(k);
  std::vector<ovsdb::Mutation> m = {{"external_ids", "delete", ovsdb::Datum::set(remove)}};
  if (!values.empty()) m.push_back({"external_ids", "insert", ovsdb::Datum::string_map(values)});
  ovs.transact(ovsdb::vswitch::kDatabase, {ovsdb::op::mutate("Open_vSwitch", {ovsdb::where_uuid(root)}, m)});
}

void start_controller(const EmbeddedOptions& o) {
  std::string controller = daemon::find_binary("ovn-controller", "ovn-host");
  std::string system_id = o.system_id.empty() ? hostname() : o.system_id;
  std::string sb = o.sb.empty() ? sb_endpoint() : o.sb;

  ovsdb::Client ovs(o.ovs, quick());
  auto root = root_row(ovs);
  auto ids = root.at("external_ids").as_string_map();
  LocalChanges changes;
  changes.ovs = o.ovs;
  changes.set = {{"system-id", system_id},
                 {"ovn-remote", sb},
                 {"ovn-encap-type", o.encap_type},
                 {"ovn-encap-ip", o.encap_ip},
                 {"ovn-bridge-datapath-type", ovs::resolve_datapath(o.datapath)}};
  std::vector<std::string> keys;
  for (const auto& [k, v] : changes.set) {
    keys.push_back(k);
    auto it = ids.find(k);
    changes.previous[k] = it == ids.end() ? std::nullopt : std::optional(it->second);
  }
  changes.created_br_int = !ovsdb::vswitch::read_state(ovs).bridge(kIntegrationBridge);
  save(changes);  // before changing anything, so stop_embedded() can undo a half-done start
  set_external_ids(ovs, root.at("_uuid").as_uuid(), keys, changes.set);

  daemon::run("start the embedded ovn-controller",
              {controller, o.ovs, "--pidfile=" + path("ovn-controller.pid"), "--log-file=" + path("ovn-controller.log"),
               "--detach", "--no-chdir", "-vconsole:off"},
              ovn_env(), path("ovn-controller.stderr"));

  // Ready when its chassis is in the Southbound database.
  ovsdb::Client south(sb, quick(o.timeout));
  auto deadline = std::chrono::steady_clock::now() + o.timeout;
  while (true) {
    auto r = south.transact("OVN_Southbound", {ovsdb::op::select("Chassis", {ovsdb::where_eq("name", ovsdb::Datum::string(system_id))}, {"name"})});
    if (!r.at(0).rows.empty()) return;
    if (!running("ovn-controller.pid"))
      throw Error("embedded OVN: ovn-controller exited: " + daemon::tail(path("ovn-controller.log")));
    if (std::chrono::steady_clock::now() > deadline)
      throw Error("embedded OVN: chassis " + system_id + " not registered in " + sb + " within " +
                  std::to_string(o.timeout.count()) + " ms: " + daemon::tail(path("ovn-controller.log")));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Undoes what start_controller() did on the local Open vSwitch; returns what failed, "" if nothing.
std::string restore_local_ovs() {
  auto c = load();
  if (!c || c->ovs.empty()) return "";
  try {
    ovsdb::Client ovs(c->ovs, quick());
    auto root = root_row(ovs);
    auto ids = root.at("external_ids").as_string_map();
    std::vector<std::string> keys;
    std::map<std::string, std::string> values;
    for (const auto& [k, v] : c->set) {
      auto it = ids.find(k);
      if (it == ids.end() || it->second != v) continue;  // changed since: not ours to undo
      keys.push_back(k);
      if (auto prev = c->previous[k]) values[k] = *prev;
    }
    if (!keys.empty()) set_external_ids(ovs, root.at("_uuid").as_uuid(), keys, values);
    if (c->created_br_int && ovsdb::vswitch::read_state(ovs).bridge(kIntegrationBridge)) {
      ovsdb::vswitch::Batch b;
      b.del_bridge({kIntegrationBridge, true});
      ovsdb::vswitch::apply(ovs, b, {.timeout = std::chrono::milliseconds(5000)});
    }
  } catch (const std::exception& e) {
    return std::string("restore the local Open vSwitch at ") + c->ovs + ": " + e.what();
  }
  return "";
}

void stop_controller() {
  pid_t pid = daemon::read_pid(path("ovn-controller.pid"));
  if (!daemon::alive(pid)) return;
  // `exit` (not a signal): ovn-controller removes its Chassis from the SB before it exits.
  try {
    ovsdb::Client ctl("unix:" + path("ovn-controller." + std::to_string(pid) + ".ctl"), quick(std::chrono::milliseconds(3000)));
    ctl.call("exit", nlohmann::json::array());
  } catch (const std::exception&) {
    // It may close the socket before answering; the pid tells.
  }
  daemon::stop(pid, std::chrono::milliseconds(3000));
}

}  // namespace

std::string nb_endpoint() { return "unix:" + path("ovnnb_db.sock"); }
std::string sb_endpoint() { return "unix:" + path("ovnsb_db.sock"); }

bool embedded_running() {
  for (const char* p : {"ovnnb_db.pid", "ovnsb_db.pid", "ovn-northd.pid", "ovn-controller.pid"})
    if (running(p)) return true;
  return false;
}

void check_installed(const EmbeddedOptions& o) {
  daemon::find_binary("ovsdb-tool", "openvswitch-common");
  daemon::find_binary("ovsdb-server", "openvswitch-switch");
  if (o.central) {
    daemon::find_binary("ovn-northd", "ovn-central");
    for (const char* schema : {kNbSchema, kSbSchema})
      if (access(schema, R_OK) != 0)
        throw Error(std::string("OVN schema ") + schema + " not found; install Debian's ovn-common package");
  }
  if (o.controller) {
    daemon::find_binary("ovn-controller", "ovn-host");
    if (o.ovs.empty()) throw Error("embedded OVN: ovn-controller needs the local Open vSwitch (ovs endpoint)");
    if (o.encap_ip.empty())
      throw Error("embedded OVN: ovn-controller needs this host's tunnel address (ovn-encap-ip)");
  }
}

void start_embedded(const EmbeddedOptions& o) {
  check_installed(o);
  std::error_code ec;
  fs::create_directories(kEmbeddedDir, ec);
  if (ec) throw Error("create " + std::string(kEmbeddedDir) + ": " + ec.message());
  if (o.central) {
    if (!running("ovnnb_db.pid")) {
      start_database("ovnnb_db", kNbSchema, o.nb_remotes);
      // What `ovn-nbctl init` does: the NB_Global row that nb_cfg lives in.
      ovsdb::Client nb(nb_endpoint(), quick());
      auto r = nb.transact("OVN_Northbound", {ovsdb::op::select("NB_Global", {}, {"_uuid"})});
      if (r.at(0).rows.empty()) nb.transact("OVN_Northbound", {ovsdb::op::insert("NB_Global", {})});
    }
    if (!running("ovnsb_db.pid")) start_database("ovnsb_db", kSbSchema, o.sb_remotes);
    if (!running("ovn-northd.pid")) {
      daemon::run("start the embedded ovn-northd",
                  {daemon::find_binary("ovn-northd", "ovn-central"), "--ovnnb-db=" + nb_endpoint(),
                   "--ovnsb-db=" + sb_endpoint(), "--pidfile=" + path("ovn-northd.pid"),
                   "--unixctl=" + path("ovn-northd.ctl"), "--log-file=" + path("ovn-northd.log"), "--detach",
                   "--no-chdir", "-vconsole:off"},
                  ovn_env(), path("ovn-northd.stderr"));
    }
  }
  if (o.controller && !running("ovn-controller.pid")) start_controller(o);
}

void stop_embedded() {
  if (!fs::exists(kEmbeddedDir)) return;
  stop_controller();
  for (const char* p : {"ovn-northd.pid", "ovnsb_db.pid", "ovnnb_db.pid"}) daemon::stop(daemon::read_pid(path(p)));
  std::string failed = restore_local_ovs();
  std::error_code ec;
  fs::remove_all(kEmbeddedDir, ec);
  if (!failed.empty()) throw Error("stop the embedded OVN: " + failed);
}

}  // namespace nswire::backend::ovn
