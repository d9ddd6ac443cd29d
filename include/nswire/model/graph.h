// The lab as a picture: Graphviz DOT or Mermaid text for `nswire graph`. Bridges are boxes,
// nodes are rounded, `host` appears when a link ends in it; every edge is a veth (or OVS
// patch) labelled with its interface names, addresses and VLAN. With a live status (the lab is
// up), bridges and nodes are filled by it: green as wanted, orange drifting, red missing.
#pragma once

#include <map>
#include <string>

#include "nswire/model/lab.h"

namespace nswire::model {

enum class GraphFormat { dot, mermaid };

enum class LiveState { as_wanted, drifting, missing };
// By bridge and node name; an object not listed is drawn unfilled. Empty: the lab is not up.
struct LiveStatus {
  std::map<std::string, LiveState> bridges, nodes;
  bool empty() const { return bridges.empty() && nodes.empty(); }
  bool operator==(const LiveStatus&) const = default;
};
const char* fill_colour(LiveState s);  // "#c8e6c9" | "#ffe0b2" | "#ffcdd2"

std::string to_dot(const Lab& lab, const LiveStatus& live = {});
std::string to_mermaid(const Lab& lab, const LiveStatus& live = {});
std::string render_graph(const Lab& lab, GraphFormat format);

}  // namespace nswire::model
