// remove_owned: the batch that takes away exactly what carries an ownership mark (an
// external_ids key=value, nswire's nswire-lab=LAB), and nothing else: marked bridges whole;
// on other bridges, marked ports, mirrors, sFlow/IPFIX rows, controllers, and the marked QoS
// of ports that are not themselves marked. Pure: a State in, a Batch out.
#include "ovsdb/vswitch.h"

#include <algorithm>

namespace ovsdb::vswitch {
namespace {

bool marked(const StringMap& ids, const std::string& key, const std::string& value) {
  auto it = ids.find(key);
  return it != ids.end() && it->second == value;
}

}  // namespace

Batch remove_owned(const State& state, const std::string& key, const std::string& value) {
  Batch batch;
  for (const auto& b : state.bridges) {
    if (marked(b.external_ids, key, value)) {
      batch.del_bridge(DelBridge(b.name, true));
      continue;
    }
    for (const auto& m : b.mirrors)
      if (marked(m.external_ids, key, value)) batch.del_mirror(DelMirror(b.name, m.name, true));
    for (const auto& p : b.ports) {
      if (p.name == b.name) continue;  // the local port goes with its bridge only
      if (marked(p.external_ids, key, value)) {
        batch.del_port(DelPort(p.name, b.name, true));
      } else if (p.qos && marked(p.qos->external_ids, key, value)) {
        batch.set_port(SetPort(p.name, std::nullopt, {}, {}, false, {.clear_qos = true}));
      }
    }
    BridgeSettings settings;
    settings.clear_sflow = b.sflow && marked(b.sflow->external_ids, key, value);
    settings.clear_ipfix = b.ipfix && marked(b.ipfix->external_ids, key, value);
    // Controllers are replaced as a set (set-controller): only a set that is all ours goes.
    if (!b.controllers.empty() && std::all_of(b.controllers.begin(), b.controllers.end(), [&](const Controller& c) {
          return marked(c.external_ids, key, value);
        }))
      settings.controllers = std::vector<std::string>{};
    if (settings != BridgeSettings{}) batch.set_bridge(SetBridge(b.name, std::nullopt, {}, {}, settings));
  }
  return batch;
}

}  // namespace ovsdb::vswitch
