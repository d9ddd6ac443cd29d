// The backend factory; see include/nswire/backend/bridge_backend.h.
#include "linux/linux_bridge.h"
#include "nswire/backend/bridge_backend.h"
#include "ovs/ovs_bridge.h"

namespace nswire::backend {

std::unique_ptr<BridgeBackend> make_backend(std::string_view name, const Context& context) {
  if (name == "linux") return std::make_unique<LinuxBridgeBackend>(context);
  if (name == "ovs") return std::make_unique<OvsBridgeBackend>(context);
  throw Error("unknown bridge backend \"" + std::string(name) + "\" (expected linux or ovs)");
}

}  // namespace nswire::backend
