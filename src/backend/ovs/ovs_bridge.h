// The Open vSwitch backend: bridges, ports, access VLAN tags and native patch ports written
// to ovsdb-server as ONE OVSDB transaction per apply() (ovsdb/vswitch.h), then confirmed
// applied by ovs-vswitchd (cur_cfg). The bridge's internal port is brought up over netlink,
// so it can carry the lab's gateway address like a Linux bridge.
#pragma once

#include <memory>

#include "nswire/backend/bridge_backend.h"

namespace ovsdb {
class Client;
}

namespace nswire::backend {

class OvsBridgeBackend final : public BridgeBackend {
 public:
  explicit OvsBridgeBackend(Context context);
  ~OvsBridgeBackend() override;
  std::string_view name() const override { return "ovs"; }
  bool supports_patches() const override { return true; }
  std::vector<ObservedBridge> observe() override;
  void apply(const Changes& changes) override;
  std::vector<Warning> diagnose() override { return {}; }

 private:
  ovsdb::Client& client();  // connects (or starts the embedded OVS) on first use
  Context context_;
  std::unique_ptr<ovsdb::Client> client_;
};

}  // namespace nswire::backend
