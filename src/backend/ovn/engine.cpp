// Finding OVN; see engine.h.
#include "engine.h"

#include <unistd.h>

#include <cstdlib>

#include "embedded_ovn.h"
#include "logical.h"
#include "ovsdb/client.h"
#include "ovsdb/vswitch.h"

namespace nswire::backend::ovn {

bool answers(const std::string& endpoint) {
  try {
    ovsdb::ClientOptions o;
    o.timeout = std::chrono::milliseconds(2000);
    o.reconnect = false;
    o.probe_interval = std::chrono::milliseconds(0);
    ovsdb::Client c(endpoint, o);
    c.echo();
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::string find_northbound(const std::string& setting) {
  if (!setting.empty()) return setting;
  if (const char* env = std::getenv("NSWIRE_OVN_NB"); env && *env) return env;
  std::string system = std::string("unix:") + kSystemNbSocket;
  if (access(kSystemNbSocket, F_OK) == 0 && answers(system)) return system;
  if (embedded_running() && answers(nb_endpoint())) return nb_endpoint();
  return "";
}

std::optional<std::string> local_controller_missing(const std::string& local_ovs) {
  ovsdb::ClientOptions o;
  o.timeout = std::chrono::milliseconds(5000);
  o.reconnect = false;
  ovsdb::Client ovs(local_ovs, o);
  auto rows = ovs.transact(ovsdb::vswitch::kDatabase, {ovsdb::op::select("Open_vSwitch", {}, {"external_ids"})});
  if (rows.at(0).rows.empty()) return "the Open vSwitch database at " + local_ovs + " has no Open_vSwitch row";
  auto ids = rows[0].rows[0].at("external_ids").as_string_map();
  if (!ids.count("ovn-remote"))
    return "the local Open vSwitch (" + local_ovs + ") has no external_ids:ovn-remote: no ovn-controller is set up on "
           "this host";
  if (!ovsdb::vswitch::read_state(ovs).bridge(kIntegrationBridge))
    return "the local Open vSwitch has no " + std::string(kIntegrationBridge) +
           ": ovn-controller (ovn-remote=" + ids["ovn-remote"] + ") is not running or has not made it";
  return std::nullopt;
}

std::string start_embedded_for_one_machine(const std::string& local_ovs) {
  EmbeddedOptions o;
  o.central = true;
  o.controller = true;
  o.ovs = local_ovs;
  o.system_id = "nswire";
  // One chassis: no tunnel ever leaves the machine, but ovn-controller wants an address.
  o.encap_ip = "127.0.0.1";
  start_embedded(o);
  return nb_endpoint();
}

}  // namespace nswire::backend::ovn
