// The Open vSwitch backend: bridges (with STP), ports, access VLAN tags and native patch ports
// written to ovsdb-server as ONE OVSDB transaction per apply() (ovsdb/vswitch.h), then confirmed
// applied by ovs-vswitchd (cur_cfg). The bridge's internal port is brought up over netlink, so it
// can carry the lab's gateway address like a Linux bridge. Where no ovsdb-server answers, an
// embedded Open vSwitch is started (embedded.h) and stopped again by release().
#pragma once

#include <cstdint>
#include <memory>

#include "nswire/backend/bridge_backend.h"

namespace ovsdb {
class Client;
}

namespace nswire::backend::ovs {

// The mark on every row a lab owns: external_ids:nswire-lab=LAB.
inline constexpr const char* kMarkKey = "nswire-lab";

// What Open vSwitch can do: native patch ports, STP; its Port rows outlive their devices; it
// reserves the names of its datapath devices; setting `datapath: auto | system | netdev`.
Traits traits();
std::unique_ptr<BridgeBackend> make(const Context& context);

// The tunnel port of segment `vni` towards the peer host at `remote` ("vx5001-3fa9", at most 15
// bytes): the same name on every run.
std::string tunnel_port(const std::string& type, uint32_t vni, const std::string& remote);

}  // namespace nswire::backend::ovs

namespace nswire::backend {

class OvsBridgeBackend final : public BridgeBackend {
 public:
  explicit OvsBridgeBackend(Context context);
  ~OvsBridgeBackend() override;
  std::string_view name() const override { return "ovs"; }
  std::vector<ObservedBridge> observe() override;
  void apply(const Changes& changes) override;
  std::vector<Warning> diagnose() override { return {}; }
  HostNeeds host_needs() override;
  void release(bool labs_remain) override;
  // OVSDB transactions that wrote something, since this backend connected (tests: one per apply).
  std::uint64_t write_transactions() const;
  std::vector<std::string> daemon_logs() override;

 private:
  ovsdb::Client& client();  // connects (or starts the embedded OVS) on first use
  std::string datapath() const;  // the lab's setting, resolved: system | netdev
  Context context_;
  std::unique_ptr<ovsdb::Client> client_;
};

}  // namespace nswire::backend
