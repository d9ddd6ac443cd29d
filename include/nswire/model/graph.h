// The lab as a picture: Graphviz DOT or Mermaid text for `nswire graph`. Bridges are boxes,
// nodes are rounded, `host` appears when a link ends in it; every edge is a veth (or OVS
// patch) labelled with its interface names, addresses and VLAN.
#pragma once

#include <string>

#include "nswire/model/lab.h"

namespace nswire::model {

enum class GraphFormat { dot, mermaid };

std::string to_dot(const Lab& lab);
std::string to_mermaid(const Lab& lab);
std::string render_graph(const Lab& lab, GraphFormat format);

}  // namespace nswire::model
