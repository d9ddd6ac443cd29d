// The OVN backend: a lab's bridges are logical switches of OVN (and a bridge with addresses
// gets a gateway on the lab's logical router), written to the OVN Northbound database with
// nswire's own OVSDB client (ovsdb/ovn_nb.h: the schema read from the server, ONE transaction per
// apply); a node's veth end is a port of the local br-int bound by external_ids:iface-id, and
// ovn-controller does the rest (flows, Geneve tunnels between the hosts of a lab). The
// Northbound database is the lab's setting `ovn: { northbound: ENDPOINT }`, $NSWIRE_OVN_NB,
// Debian's ovn-central, or, for a lab on one machine where no OVN runs, the embedded one
// (embedded_ovn.h), stopped again by release() when the last lab is gone. See logical.h for how
// bridges and ports map to rows and who owns them.
#pragma once

#include <memory>

#include "nswire/backend/bridge_backend.h"

namespace ovsdb {
class Client;
}

namespace nswire::backend::ovn {

// What OVN can do: span hosts (its own Geneve, 58 bytes with OVN's option), no STP, no access
// VLANs, no native patches; bridges are no host devices (the gateway is a logical router port);
// ports need their far end's MAC and addresses; setting `northbound`.
Traits traits();
std::unique_ptr<BridgeBackend> make(const Context& context);

}  // namespace nswire::backend::ovn

namespace nswire::backend {

class OvnBridgeBackend final : public BridgeBackend {
 public:
  explicit OvnBridgeBackend(Context context);
  ~OvnBridgeBackend() override;
  std::string_view name() const override { return "ovn"; }
  std::vector<ObservedBridge> observe() override;
  void apply(const Changes& changes) override;
  std::vector<Warning> diagnose() override;
  HostNeeds host_needs() override;
  void release(bool labs_remain) override;

 private:
  ovsdb::Client& northbound();  // finds OVN on first use (starts the embedded one for one machine)
  ovsdb::Client& local_ovs();   // this host's Open vSwitch (br-int)
  void apply_northbound(const Changes& changes);
  void apply_local(const Changes& changes);
  void wait_ports_up(const Changes& changes);
  Context context_;
  std::unique_ptr<ovsdb::Client> nb_, ovs_;
};

}  // namespace nswire::backend
