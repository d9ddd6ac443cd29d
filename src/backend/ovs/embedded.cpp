// The embedded Open vSwitch; see embedded.h.
#include "embedded.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "nswire/error.h"
#include "nswire/netlink/links.h"
#include "ovn/embedded_daemon.h"
#include "ovsdb/client.h"
#include "ovsdb/vswitch.h"

namespace nswire::backend::ovs {
namespace fs = std::filesystem;
namespace {

constexpr const char* kSchema = "/usr/share/openvswitch/vswitch.ovsschema";

std::string dir_path(const char* leaf) { return std::string(kEmbeddedDir) + "/" + leaf; }

std::string find_binary(const std::string& name) {
  for (const char* dir : {"/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"}) {
    std::string p = std::string(dir) + "/" + name;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  throw Error("Open vSwitch: " + name + " not found; install Debian's openvswitch-switch package "
              "(apt-get install openvswitch-switch) or point --ovsdb at a running ovsdb-server");
}

// Runs a daemon's own launcher (it detaches itself) and waits for it to return. The daemons log
// only to their files: console logging off, stdout to /dev/null, stderr (where a daemon that
// cannot start says why) to LEAF.stderr beside the logs, quoted in the error.
void run(const std::string& what, const std::vector<std::string>& argv, const std::string& leaf) {
  daemon::run("start embedded Open vSwitch: " + what, argv, {}, dir_path((leaf + ".stderr").c_str()));
}

bool answers(const std::string& target) {
  try {
    ovsdb::ClientOptions o;
    o.timeout = std::chrono::milliseconds(2000);
    o.reconnect = false;
    ovsdb::Client c(target, o);
    c.echo();
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

std::string embedded_endpoint() { return "unix:" + dir_path("db.sock"); }

bool embedded_running() { return daemon::alive(daemon::read_pid(dir_path("ovsdb-server.pid"))); }

std::string resolve_endpoint(const std::string& explicit_target, bool start) {
  if (!explicit_target.empty()) return explicit_target;
  if (const char* env = std::getenv("NSWIRE_OVSDB"); env && *env) return env;
  std::string system = std::string("unix:") + kSystemSocket;
  if (access(kSystemSocket, F_OK) == 0 && answers(system)) return system;
  if (!start) return embedded_running() ? embedded_endpoint() : std::string();
  start_embedded();
  return embedded_endpoint();
}

void start_embedded() {
  if (embedded_running() && daemon::alive(daemon::read_pid(dir_path("ovs-vswitchd.pid")))) return;
  std::string server = find_binary("ovsdb-server"), vswitchd = find_binary("ovs-vswitchd"),
              tool = find_binary("ovsdb-tool");
  if (access(kSchema, R_OK) != 0)
    throw Error(std::string("Open vSwitch: schema ") + kSchema + " not found; install Debian's openvswitch-common package");
  std::error_code ec;
  fs::create_directories(kEmbeddedDir, ec);
  if (ec) throw Error("create " + std::string(kEmbeddedDir) + ": " + ec.message());
  std::string db = dir_path("conf.db");
  if (!embedded_running()) {
    fs::remove(db, ec);
    run("create its database", {tool, "create", db, kSchema}, "ovsdb-tool");
    run("ovsdb-server",
        {server, db, "--remote=punix:" + dir_path("db.sock"), "--unixctl=" + dir_path("ovsdb-server.ctl"),
         "--pidfile=" + dir_path("ovsdb-server.pid"), "--log-file=" + dir_path("ovsdb-server.log"), "--detach",
         "--no-chdir", "-vconsole:off"},
        "ovsdb-server");
    // What `ovs-vsctl init` does: the root row must exist before ovs-vswitchd reads it.
    ovsdb::Client client(embedded_endpoint());
    auto rows = client.transact(ovsdb::vswitch::kDatabase, {ovsdb::op::select("Open_vSwitch", {}, {"_uuid"})});
    if (rows.at(0).rows.empty())
      client.transact(ovsdb::vswitch::kDatabase, {ovsdb::op::insert("Open_vSwitch", {})});
  }
  run("ovs-vswitchd",
      {vswitchd, embedded_endpoint(), "--unixctl=" + dir_path("ovs-vswitchd.ctl"),
       "--pidfile=" + dir_path("ovs-vswitchd.pid"), "--log-file=" + dir_path("ovs-vswitchd.log"), "--detach",
       "--no-chdir", "-vconsole:off"},
      "ovs-vswitchd");
}

void stop_embedded() {
  for (const char* name : {"ovs-vswitchd.pid", "ovsdb-server.pid"}) {
    // ovs-vswitchd takes its datapath's devices down on SIGTERM; with many ports that takes a
    // while, and a SIGKILL before it is done leaves them behind.
    daemon::stop(daemon::read_pid(dir_path(name)), std::chrono::seconds(10));
  }
  remove_datapath_leftovers();
  std::error_code ec;
  fs::remove_all(kEmbeddedDir, ec);
}

void remove_datapath_leftovers() {
  // The embedded daemons are gone: what their userspace datapath left (its own tap "ovs-netdev",
  // and the tun devices of lab bridges, which carry an nswire mark) is nswire's. Not while another
  // Open vSwitch answers on the system socket: then those devices may be its.
  std::string system = std::string("unix:") + kSystemSocket;
  if (access(kSystemSocket, F_OK) == 0 && answers(system)) return;
  try {
    auto host = netlink::Socket::open();
    netlink::Batch gone;
    for (const auto& l : netlink::dump_links(host))
      if (l.kind == "tun" && (l.name == "ovs-netdev" || l.alias.rfind("nswire:", 0) == 0)) netlink::delete_link(gone, l.name);
    if (!gone.empty()) host.execute(gone, {ENODEV});
  } catch (const std::exception&) {
    // Best effort: a lab's next up or down finishes off its own devices (the planner knows them).
  }
}

std::string resolve_datapath(const std::string& wanted) {
  if (wanted == "system" || wanted == "netdev") return wanted;
  if (wanted != "auto" && !wanted.empty())
    throw Error("Open vSwitch datapath \"" + wanted + "\": expected auto, system or netdev");
  return access("/sys/module/openvswitch", F_OK) == 0 ? "system" : "netdev";
}

}  // namespace nswire::backend::ovs
