// Ownership marks and the backend factory; see include/nswire/backend/bridge_backend.h.
#include "linux/linux_bridge.h"
#include "nswire/backend/bridge_backend.h"
#include "ovs/ovs_bridge.h"

namespace nswire::backend {

namespace {
constexpr std::string_view kLinuxMarkPrefix = "nswire:";
}

std::string linux_mark(std::string_view lab) { return std::string(kLinuxMarkPrefix) + std::string(lab); }

std::string lab_of_linux_mark(std::string_view alias) {
  if (alias.substr(0, kLinuxMarkPrefix.size()) != kLinuxMarkPrefix) return {};
  alias.remove_prefix(kLinuxMarkPrefix.size());
  return std::string(alias.substr(0, alias.find(' ')));  // a note on the link's origin may follow
}

std::unique_ptr<BridgeBackend> make_backend(std::string_view name, const Context& context) {
  if (name == "linux") return std::make_unique<LinuxBridgeBackend>(context);
  if (name == "ovs") return std::make_unique<OvsBridgeBackend>(context);
  throw Error("unknown bridge backend \"" + std::string(name) + "\" (expected linux or ovs)");
}

}  // namespace nswire::backend
