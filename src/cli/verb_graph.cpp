// `nswire graph`: the topology as Graphviz DOT or Mermaid text, or as a picture rendered through
// the Graphviz library (svg, png, html: one self-contained page). When the lab is up (it has a
// state record), bridges and nodes are coloured by their live status (Session::status).
#include "common.h"

#include <fstream>
#include <iostream>

#include "nswire/model/graph.h"
#include "nswire/reconcile/live_status.h"
#include "nswire/reconcile/record.h"
#include "nswire/render/render.h"

namespace nswire::cli {
namespace {

struct GraphArgs {
  std::string format = "dot";
  std::string output;
  bool no_status = false;
};

// The live status of a lab that is up; none (and a note) when it cannot be looked at.
model::LiveStatus live_of(const Common& c, const model::Lab& lab) {
  try {
    if (!reconcile::load_record(lab.name)) return {};
    auto session = make_session(c, lab);
    auto status = session.status();
    return reconcile::live_status(session.desired(), status.objects, status.drift);
  } catch (const std::exception& e) {
    std::cerr << "nswire: graph: drawn without live status: " << e.what() << "\n";
    return {};
  }
}

int cmd_graph(const Common& c, const GraphArgs& a) {
  auto lab = load(c);
  if (!lab) return kInvalid;
  model::LiveStatus live = a.no_status ? model::LiveStatus{} : live_of(c, *lab);
  std::string out;
  if (a.format == "mermaid") {
    out = model::to_mermaid(*lab, live);
  } else if (a.format == "dot") {
    out = model::to_dot(*lab, live);
  } else {
    auto format = a.format == "png" ? render::Format::png : a.format == "html" ? render::Format::html : render::Format::svg;
    out = render::render(model::to_dot(*lab, live), format, "nswire lab " + lab->name);
  }
  if (a.output.empty()) {
    std::cout << out << std::flush;
    return kOk;
  }
  std::ofstream f(a.output, std::ios::binary | std::ios::trunc);
  f << out;
  f.close();
  if (!f) throw Error("cannot write " + a.output);
  return kOk;
}

}  // namespace

Verb add_graph(CLI::App& app, Common& c) {
  auto* cmd = app.add_subcommand("graph", "topology as DOT or Mermaid text, or a picture (svg, png, html)");
  add_common(cmd, c);
  static GraphArgs a;
  cmd->add_option("--format", a.format, "dot | mermaid | svg | png | html (one self-contained page)")
      ->check(CLI::IsMember({"dot", "mermaid", "svg", "png", "html"}));
  cmd->add_option("-o,--output", a.output, "write to this file instead of stdout");
  cmd->add_flag("--no-status", a.no_status, "do not colour by live status even when the lab is up");
  return {cmd, [&c] { return cmd_graph(c, a); }};
}

}  // namespace nswire::cli
