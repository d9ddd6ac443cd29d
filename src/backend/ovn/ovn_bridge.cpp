// The OVN backend; see ovn_bridge.h. An apply() is one Northbound transaction (planned from the
// state it read, guarded against other hosts writing the same lab at once, planned again when a
// guard fails), then one transaction on the local Open vSwitch for br-int, then a wait until
// ovn-controller has bound this host's new ports.
#include "ovn_bridge.h"

#include <chrono>
#include <set>

#include "../ovs/embedded.h"
#include "embedded_ovn.h"
#include "engine.h"
#include "logical.h"
#include "ovsdb/client.h"
#include "ovsdb/error.h"
#include "ovsdb/ovn_nb.h"
#include "ovsdb/vswitch.h"

namespace nswire::backend {
namespace nb = ovsdb::ovn_nb;
namespace vs = ovsdb::vswitch;

namespace ovn {

Traits traits() {
  return {.native_patches = false,
          .stp = false,
          .vlan1_is_untagged = false,
          .ports_outlive_devices = true,  // a br-int Port row and a logical port outlive the veth
          .attach_moves_ports = false,
          .removal = RemovalOrder::before_links,
          .observe_always = false,
          .reserved_bridge_names = {},
          .settings = {{.key = "northbound",
                        .values = {},
                        .default_value = "",
                        .description = "The OVN Northbound database (unix:PATH, tcp:HOST:PORT or ssl:HOST:PORT); "
                                       "unset: $NSWIRE_OVN_NB, Debian's ovn-central, or the embedded OVN for a lab on one machine.",
                        .endpoint = true}},
          .access_vlans = false,
          .bridge_is_device = false,
          .port_addresses = true,
          // Geneve as OVN sends it: outer Ethernet 14 + IPv4 20 + UDP 8 + Geneve 8 + OVN's
          // option (4 + 4) carrying the logical ports.
          .span = Span::engine,
          .encapsulations = {{"geneve", 58}}};
}

std::unique_ptr<BridgeBackend> make(const Context& context) { return std::make_unique<OvnBridgeBackend>(context); }

}  // namespace ovn

namespace {

constexpr auto kPortsUpTimeout = std::chrono::seconds(30);
constexpr int kAttempts = 8;  // Northbound transactions another host's change made fail

ovsdb::ClientOptions options(std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
  ovsdb::ClientOptions o;
  o.timeout = timeout;
  return o;
}

std::string mark_of(const vs::StringMap& ids) {
  auto it = ids.find(ovn::kMarkKey);
  return it == ids.end() ? std::string() : it->second;
}

}  // namespace

OvnBridgeBackend::OvnBridgeBackend(Context context) : context_(std::move(context)) {}
OvnBridgeBackend::~OvnBridgeBackend() = default;

ovsdb::Client& OvnBridgeBackend::northbound() {
  if (nb_) return *nb_;
  auto it = context_.settings.find("northbound");
  std::string endpoint = ovn::find_northbound(it == context_.settings.end() ? "" : it->second);
  if (endpoint.empty()) {
    if (context_.spans_hosts)
      throw Error("OVN: lab \"" + context_.lab + "\" spans hosts and names no OVN Northbound database: set "
                  "`ovn: { northbound: tcp:HOST:6641 }` in the lab file (HOST runs Debian's ovn-central), or "
                  "$NSWIRE_OVN_NB");
    endpoint = ovn::start_embedded_for_one_machine(ovs::resolve_endpoint(context_.ovsdb));
  }
  try {
    nb_ = std::make_unique<ovsdb::Client>(endpoint, options());
    nb::check_schema(nb_->schema(nb::kDatabase));
  } catch (const ovsdb::Error& e) {
    nb_.reset();
    throw Error("OVN Northbound database at " + endpoint + ": " + e.what());
  }
  return *nb_;
}

ovsdb::Client& OvnBridgeBackend::local_ovs() {
  if (ovs_) return *ovs_;
  std::string endpoint = ovs::resolve_endpoint(context_.ovsdb);
  try {
    ovs_ = std::make_unique<ovsdb::Client>(endpoint, options());
  } catch (const ovsdb::Error& e) {
    throw Error("OVN: the local Open vSwitch at " + endpoint + ": " + e.what());
  }
  return *ovs_;
}

std::vector<ObservedBridge> OvnBridgeBackend::observe() {
  // Looking starts nothing: where no OVN answers, the lab has no logical switch.
  if (!nb_) {
    auto it = context_.settings.find("northbound");
    if (ovn::find_northbound(it == context_.settings.end() ? "" : it->second).empty()) return {};
  }
  try {
    auto nb_state = nb::read_state(northbound());
    vs::State local;
    if (ovs_ || !ovs::resolve_endpoint(context_.ovsdb, /*start=*/false).empty()) local = vs::read_state(local_ovs());
    return ovn::observe_bridges(nb_state, local, {context_.lab, context_.host});
  } catch (const ovsdb::Error& e) {
    throw Error(std::string("OVN: read the lab's logical switches: ") + e.what());
  }
}

void OvnBridgeBackend::apply(const Changes& changes) {
  if (changes.empty()) return;
  if (!changes.ensure_tunnels.empty()) throw Error("OVN joins hosts itself: it takes no tunnels");
  if (!changes.add_patches.empty() || !changes.remove_patches.empty())
    throw Error("the OVN backend has no native patch ports; join bridges with a veth pair");
  northbound();
  if (!changes.attach_ports.empty()) {
    // This host takes part: an ovn-controller must bind its ports.
    std::string endpoint = ovs::resolve_endpoint(context_.ovsdb);
    auto missing = ovn::local_controller_missing(endpoint);
    if (missing && !context_.spans_hosts && ovn::embedded_running()) {
      ovn::start_embedded_for_one_machine(endpoint);  // its controller, if that is what is missing
      vs::monitor_state(local_ovs());
      local_ovs().wait_until([&] { return vs::state_from_cache(local_ovs().cache(vs::kDatabase)).bridge(ovn::kIntegrationBridge); },
                             std::chrono::seconds(10));
      missing = ovn::local_controller_missing(endpoint);
    }
    if (missing)
      throw Error("OVN: " + (context_.host.empty() ? std::string("this machine") : "host " + context_.host) + ": " + *missing +
                  "; install Debian's ovn-host here and point it at the lab's Southbound database (ovs-vsctl set "
                  "Open_vSwitch . external_ids:ovn-remote=tcp:CENTRAL:6642 external_ids:ovn-encap-type=geneve "
                  "external_ids:ovn-encap-ip=THIS_HOSTS_UNDERLAY_ADDRESS)");
  }
  apply_northbound(changes);
  apply_local(changes);
  wait_ports_up(changes);
}

void OvnBridgeBackend::apply_northbound(const Changes& changes) {
  auto& client = northbound();
  const ovn::Owner owner{context_.lab, context_.host};
  for (int attempt = 1;; ++attempt) {
    try {
      auto state = nb::read_state(client);
      auto want = ovn::next_lab(nb::observed_lab(state, context_.lab), changes, owner);
      auto plan = nb::plan(state, want);
      if (plan.empty()) return;
      client.transact(nb::kDatabase, plan.ops);
      return;
    } catch (const ovsdb::Error& e) {
      // A guard failed: another host changed the lab meanwhile. Read and plan again.
      if (e.error() == "timed out" && attempt < kAttempts) continue;
      throw Error(std::string("OVN Northbound: ") + e.what());
    }
  }
}

void OvnBridgeBackend::apply_local(const Changes& changes) {
  auto& client = local_ovs();
  const ovn::Owner owner{context_.lab, context_.host};
  vs::State state;
  try {
    state = vs::read_state(client);
  } catch (const ovsdb::Error& e) {
    throw Error(std::string("OVN: read the local Open vSwitch: ") + e.what());
  }
  const vs::StringMap mark{{ovn::kMarkKey, context_.lab}};
  vs::Batch batch;
  std::set<std::string> going;
  for (const auto& p : changes.detach_ports) going.insert(p.name);
  // The lab's br-int ports the Northbound lab no longer gives a logical port of this host.
  auto lab = nb::observed_lab(nb::read_state(northbound()), context_.lab);
  for (const auto& name : ovn::stale_local_ports(lab, state, owner)) going.insert(name);
  for (const auto& p : changes.attach_ports) going.erase(p.name);
  for (const auto& name : going)
    if (const auto* port = state.port(name); port && mark_of(port->external_ids) == context_.lab)
      batch.del_port(vs::DelPort(name, {}, true));
  for (const auto& p : changes.attach_ports) {
    const auto* existing = state.port(p.name);
    if (existing && mark_of(existing->external_ids) != context_.lab)
      throw Error("port \"" + p.name + "\" exists in Open vSwitch and is not owned by lab \"" + context_.lab +
                  "\"; nswire leaves it untouched");
    const auto* on = state.bridge_of_port(p.name);
    if (existing && on && on->name != ovn::kIntegrationBridge) batch.del_port(vs::DelPort(p.name, {}, true));
    vs::StringMap iface = mark;
    iface["iface-id"] = ovn::switch_port_name(context_.lab, p);
    batch.add_port(vs::AddPort(ovn::kIntegrationBridge, p.name, "", {}, std::nullopt, mark, iface, /*may_exist=*/true));
  }
  if (batch.empty()) return;
  try {
    vs::apply(client, batch);
  } catch (const ovsdb::Error& e) {
    throw Error(std::string("OVN: ports on the local ") + ovn::kIntegrationBridge + ": " + e.what());
  }
}

// Returns once ovn-controller has bound every port this apply attached (Logical_Switch_Port.up,
// which ovn-northd copies from the Southbound binding once the flows are in).
void OvnBridgeBackend::wait_ports_up(const Changes& changes) {
  if (changes.attach_ports.empty()) return;
  auto& client = northbound();
  std::set<std::string> waiting;
  for (const auto& p : changes.attach_ports) waiting.insert(ovn::switch_port_name(context_.lab, p));
  client.monitor(nb::kDatabase, {{"Logical_Switch_Port", {"name", "up"}}});
  auto all_up = [&] {
    for (const auto& [uuid, row] : client.cache(nb::kDatabase).rows("Logical_Switch_Port")) {
      auto name = row.find("name"), up = row.find("up");
      if (name == row.end() || up == row.end() || up->second.empty() || !up->second.as_boolean()) continue;
      waiting.erase(name->second.as_string());
    }
    return waiting.empty();
  };
  if (client.wait_until(all_up, kPortsUpTimeout)) return;
  std::string names;
  for (const auto& n : waiting) names += (names.empty() ? "" : ", ") + n;
  throw Error("OVN: logical port(s) " + names + " not up within " + std::to_string(kPortsUpTimeout.count()) +
              " s: ovn-controller on this host has not bound them (is it running and connected to the lab's "
              "Southbound database?)");
}

std::vector<Warning> OvnBridgeBackend::diagnose() { return {}; }

HostNeeds OvnBridgeBackend::host_needs() {
  // br-int on the userspace datapath forwards frames whose checksums the veths left undone.
  std::string datapath = "auto";
  try {
    if (!ovs::resolve_endpoint(context_.ovsdb, /*start=*/false).empty()) {
      auto state = vs::read_state(local_ovs());
      if (const auto* br_int = state.bridge(ovn::kIntegrationBridge); br_int && !br_int->datapath_type.empty())
        datapath = br_int->datapath_type;
    }
  } catch (const std::exception&) {
    // Unknown: decided by the kernel module below.
  }
  return {.software_checksums = ovs::resolve_datapath(datapath) == "netdev"};
}

void OvnBridgeBackend::release(bool labs_remain) {
  nb_.reset();  // the embedded servers must not see us connected while they stop
  ovs_.reset();
  if (labs_remain) return;
  if (ovn::embedded_running()) ovn::stop_embedded();
  if (ovs::embedded_running()) ovs::stop_embedded();
}

}  // namespace nswire::backend
