// The Linux bridge backend: kind "bridge" links, IFLA_MASTER enslaving, access VLANs through
// bridge VLAN filtering, all over rtnetlink in the namespace nswire runs in.
#pragma once

#include "nswire/backend/bridge_backend.h"

namespace nswire::backend {

class LinuxBridgeBackend final : public BridgeBackend {
 public:
  explicit LinuxBridgeBackend(Context context) : context_(std::move(context)) {}
  std::string_view name() const override { return "linux"; }
  bool supports_patches() const override { return false; }
  std::vector<ObservedBridge> observe() override;
  void apply(const Changes& changes) override;
  std::vector<Warning> diagnose() override;

 private:
  Context context_;
};

}  // namespace nswire::backend
