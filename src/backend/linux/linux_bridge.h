// The Linux bridge backend: kind "bridge" links, IFLA_MASTER enslaving, access VLANs through
// bridge VLAN filtering, all over rtnetlink in the namespace nswire runs in.
#pragma once

#include <memory>

#include "nswire/backend/bridge_backend.h"

namespace nswire::backend::linux_bridge {

// What the Linux bridge can do: STP, VLAN 1 as the untagged default, no native patches; the
// kernel releases a port with its device and moves a port between bridges in one change.
Traits traits();
std::unique_ptr<BridgeBackend> make(const Context& context);

}  // namespace nswire::backend::linux_bridge

namespace nswire::backend {

class LinuxBridgeBackend final : public BridgeBackend {
 public:
  explicit LinuxBridgeBackend(Context context) : context_(std::move(context)) {}
  std::string_view name() const override { return "linux"; }
  std::vector<ObservedBridge> observe() override;
  void apply(const Changes& changes) override;
  std::vector<Warning> diagnose() override;
  HostNeeds host_needs() override { return {}; }
  std::vector<std::string> wait_ready(const std::vector<PortRef>& ports) override;

 private:
  Context context_;
};

}  // namespace nswire::backend
