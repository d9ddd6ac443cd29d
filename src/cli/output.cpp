// Plan and diagnostic output; see output.h.
#include "output.h"

namespace nswire::cli {

std::string format_plan(const topology::Plan& plan) {
  std::string out;
  for (const auto& a : plan.actions) {
    char sign = a.op == topology::Action::Op::create ? '+' : a.op == topology::Action::Op::remove ? '-' : '~';
    out += std::string(1, sign) + " " + topology::to_string(a.op) + " " + a.kind + " " + a.object;
    if (!a.detail.empty()) out += " (" + a.detail + ")";
    out += "\n";
  }
  return out;
}

nlohmann::json plan_json(const topology::Plan& plan) {
  nlohmann::json actions = nlohmann::json::array();
  for (const auto& a : plan.actions)
    actions.push_back({{"op", topology::to_string(a.op)}, {"kind", a.kind}, {"object", a.object}, {"detail", a.detail}});
  return actions;
}

nlohmann::json diagnostics_json(const std::vector<topology::Diagnostic>& diagnostics) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : diagnostics)
    out.push_back({{"severity", d.severity == topology::Severity::error ? "error" : "warning"},
                   {"file", d.file},
                   {"line", d.line},
                   {"column", d.col},
                   {"message", d.message}});
  return out;
}

}  // namespace nswire::cli
