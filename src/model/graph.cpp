// DOT and Mermaid output. Both are built from one list of vertices and edges so the two
// pictures always show the same lab.
#include "nswire/model/graph.h"

#include <map>
#include <optional>
#include <vector>

namespace nswire::model {
namespace {

enum class Shape { bridge, node, host };

struct Vertex {
  std::string id;                    // safe identifier for both formats
  Shape shape;
  std::vector<std::string> lines;    // label, one entry per line
  std::optional<LiveState> live{};   // filled by it when known
};

struct Edge {
  std::string from, to;              // vertex ids
  std::string from_label, to_label;  // interface at each end ("" for a bridge end)
  bool patch = false;                // bridge-to-bridge
};

std::string addresses_text(const std::vector<IpPrefix>& addresses) {
  std::string out;
  for (const auto& a : addresses) out += (out.empty() ? "" : " ") + a.to_string();
  return out;
}

std::string end_label(const std::string& ifname, const std::vector<IpPrefix>& addresses,
                      const std::optional<int>& vlan = std::nullopt) {
  std::string out = ifname;
  if (!addresses.empty()) out += " " + addresses_text(addresses);
  if (vlan) out += " vlan " + std::to_string(*vlan);
  return out;
}

struct Picture {
  std::string title;
  std::string legend;  // under the title
  std::vector<Vertex> vertices;
  std::vector<Edge> edges;
};

std::optional<LiveState> state_of(const std::map<std::string, LiveState>& states, const std::string& name) {
  auto it = states.find(name);
  if (it == states.end()) return std::nullopt;
  return it->second;
}

Picture draw(const Lab& lab, const LiveStatus& live) {
  Picture p;
  p.title = lab.name;
  if (!live.empty()) p.legend = "live: green as wanted, orange drifting, red missing";
  std::map<std::string, std::string> bridge_ids, node_ids;
  for (size_t i = 0; i < lab.bridges.size(); ++i) {
    const Bridge& b = lab.bridges[i];
    Vertex v{"bridge" + std::to_string(i), Shape::bridge, {b.name + " (" + effective_backend(lab, b) + ")"},
             state_of(live.bridges, b.name)};
    for (const auto& a : b.addresses) v.lines.push_back(a.to_string());
    bridge_ids.emplace(b.name, v.id);
    p.vertices.push_back(std::move(v));
  }
  for (size_t i = 0; i < lab.nodes.size(); ++i) {
    const Node& n = lab.nodes[i];
    Vertex v{"node" + std::to_string(i), Shape::node, {n.name}, state_of(live.nodes, n.name)};
    if (n.attach.kind == AttachKind::pid) v.lines.push_back("attach pid " + std::to_string(n.attach.pid));
    if (n.attach.kind == AttachKind::path) v.lines.push_back("attach " + n.attach.path);
    for (const auto& sub : n.subinterfaces) v.lines.push_back(end_label(sub.name, sub.addresses, sub.vlan));
    node_ids.emplace(n.name, v.id);
    p.vertices.push_back(std::move(v));
  }
  bool host_used = false;
  auto id_of = [&](const Endpoint& e) -> std::string {
    if (e.kind == EndpointKind::host) {
      host_used = true;
      return "host";
    }
    const auto& ids = e.kind == EndpointKind::bridge ? bridge_ids : node_ids;
    auto it = ids.find(e.kind == EndpointKind::bridge ? e.bridge : e.node);
    return it == ids.end() ? "" : it->second;
  };
  for (const auto& n : lab.nodes) {
    for (const auto& i : n.interfaces) {
      auto b = bridge_ids.find(i.bridge);
      if (b == bridge_ids.end()) continue;
      p.edges.push_back({node_ids[n.name], b->second, end_label(i.name, i.addresses, i.vlan), "", false});
    }
  }
  for (const auto& l : lab.links) {
    std::string a = id_of(l.endpoints[0]), b = id_of(l.endpoints[1]);
    if (a.empty() || b.empty()) continue;
    Edge e{a, b, "", "", false};
    if (l.endpoints[0].kind != EndpointKind::bridge) e.from_label = end_label(l.endpoints[0].ifname, l.addresses[0]);
    if (l.endpoints[1].kind != EndpointKind::bridge) e.to_label = end_label(l.endpoints[1].ifname, l.addresses[1]);
    e.patch = l.endpoints[0].kind == EndpointKind::bridge && l.endpoints[1].kind == EndpointKind::bridge;
    p.edges.push_back(std::move(e));
  }
  if (host_used) p.vertices.push_back({"host", Shape::host, {"host"}});
  return p;
}

std::string dot_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// Mermaid labels are quoted strings in which '"' must be an entity and '<', '>' would be HTML.
std::string mermaid_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "#quot;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '\n': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& lines, const std::string& sep,
                   std::string (*escape)(const std::string&)) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) out += (i ? sep : "") + escape(lines[i]);
  return out;
}

}  // namespace

const char* fill_colour(LiveState s) {
  switch (s) {
    case LiveState::as_wanted: return "#c8e6c9";
    case LiveState::drifting: return "#ffe0b2";
    case LiveState::missing: break;
  }
  return "#ffcdd2";
}

std::string to_dot(const Lab& lab, const LiveStatus& live) {
  Picture p = draw(lab, live);
  std::string out = "graph \"" + dot_escape(p.title) + "\" {\n";
  std::string label = p.legend.empty() ? p.title : p.title + "\n" + p.legend;
  out += "  graph [rankdir=LR, label=\"" + dot_escape(label) + "\"];\n";
  // Room between ranks for the interface labels, which sit at the node's end of each edge.
  out += "  graph [ranksep=2.2, nodesep=0.25, fontname=\"Helvetica\"];\n";
  out += "  node [fontname=\"Helvetica\", fontsize=11];\n";
  out += "  edge [fontname=\"Helvetica\", labelfontsize=9, labeldistance=7, labelangle=0];\n";
  for (const auto& v : p.vertices) {
    const char* shape = v.shape == Shape::bridge ? "box" : v.shape == Shape::host ? "house" : "ellipse";
    out += "  " + v.id + " [shape=" + shape + ", label=\"" + joined(v.lines, "\\n", dot_escape) + "\"";
    if (v.live) out += std::string(", style=filled, fillcolor=\"") + fill_colour(*v.live) + "\"";
    out += "];\n";
  }
  for (const auto& e : p.edges) {
    out += "  " + e.from + " -- " + e.to + " [";
    std::vector<std::string> attrs;
    if (!e.from_label.empty()) attrs.push_back("taillabel=\"" + dot_escape(e.from_label) + "\"");
    if (!e.to_label.empty()) attrs.push_back("headlabel=\"" + dot_escape(e.to_label) + "\"");
    if (e.patch) attrs.push_back("style=dashed");
    for (size_t i = 0; i < attrs.size(); ++i) out += (i ? ", " : "") + attrs[i];
    out += "];\n";
  }
  out += "}\n";
  return out;
}

std::string to_mermaid(const Lab& lab, const LiveStatus& live) {
  Picture p = draw(lab, live);
  std::string out = "graph LR\n";
  for (const auto& v : p.vertices) {
    std::string label = "\"" + joined(v.lines, "<br/>", mermaid_escape) + "\"";
    switch (v.shape) {
      case Shape::bridge: out += "  " + v.id + "[" + label + "]\n"; break;
      case Shape::node: out += "  " + v.id + "(" + label + ")\n"; break;
      case Shape::host: out += "  " + v.id + "{{" + label + "}}\n"; break;
    }
  }
  for (const auto& v : p.vertices)
    if (v.live) out += "  style " + v.id + " fill:" + fill_colour(*v.live) + "\n";
  for (const auto& e : p.edges) {
    std::string label = e.from_label;
    if (!e.to_label.empty()) label += (label.empty() ? "" : " / ") + e.to_label;
    std::string arrow = e.patch ? "-.-" : "---";
    if (label.empty()) {
      out += "  " + e.from + " " + arrow + " " + e.to + "\n";
    } else {
      out += "  " + e.from + " " + arrow + "|\"" + mermaid_escape(label) + "\"| " + e.to + "\n";
    }
  }
  return out;
}

std::string render_graph(const Lab& lab, GraphFormat format) {
  return format == GraphFormat::mermaid ? to_mermaid(lab) : to_dot(lab);
}

}  // namespace nswire::model
