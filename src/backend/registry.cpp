// The backends nswire knows (see include/nswire/backend/registry.h). A backend's folder defines
// `traits()` and `make()`; registering it is one line in `entries()` below (and its header).
#include "nswire/backend/registry.h"

#include "linux/linux_bridge.h"
#include "ovn/ovn_bridge.h"
#include "ovs/ovs_bridge.h"

namespace nswire::backend {
namespace {

struct Entry {
  std::string name;
  Traits (*traits)();
  std::unique_ptr<BridgeBackend> (*make)(const Context&);
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> all{
      {"linux", linux_bridge::traits, linux_bridge::make},  // the default
      {"ovs", ovs::traits, ovs::make},
      {"ovn", ovn::traits, ovn::make},
  };
  return all;
}

}  // namespace

const Catalog& catalog() {
  static const Catalog all = [] {
    Catalog c;
    for (const auto& e : entries()) c.push_back({e.name, e.traits()});
    return c;
  }();
  return all;
}

std::vector<std::string> backend_names() {
  std::vector<std::string> names;
  for (const auto& e : entries()) names.push_back(e.name);
  return names;
}

std::unique_ptr<BridgeBackend> make_backend(std::string_view name, const Context& context) {
  std::string known;
  for (const auto& e : entries()) {
    if (e.name == name) return e.make(context);
    known += (known.empty() ? "" : ", ") + e.name;
  }
  throw Error("unknown bridge backend \"" + std::string(name) + "\" (registered: " + known + ")");
}

}  // namespace nswire::backend
