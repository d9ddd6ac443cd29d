// Plan and diagnostic output; see output.h.
#include "output.h"

#include <algorithm>

#include "nswire/model/impairment.h"

namespace nswire::cli {

std::string format_plan(const reconcile::Plan& plan) {
  std::string out;
  for (const auto& a : plan.actions) {
    char sign = a.op == reconcile::Action::Op::create ? '+' : a.op == reconcile::Action::Op::remove ? '-' : '~';
    out += std::string(1, sign) + " " + reconcile::to_string(a.op) + " " + reconcile::to_string(a.kind) + " " + a.object;
    if (!a.detail.empty()) out += " (" + a.detail + ")";
    out += "\n";
  }
  return out;
}

nlohmann::json plan_json(const reconcile::Plan& plan) {
  nlohmann::json actions = nlohmann::json::array();
  for (const auto& a : plan.actions)
    actions.push_back({{"op", reconcile::to_string(a.op)}, {"kind", reconcile::to_string(a.kind)}, {"object", a.object}, {"detail", a.detail}});
  return actions;
}

std::string format_status(const std::vector<reconcile::ObjectStatus>& objects, bool all) {
  std::vector<const reconcile::ObjectStatus*> shown;
  for (const auto& o : objects)
    if (all || !o.ok) shown.push_back(&o);
  size_t kind = 4, object = 6, wanted = 6;
  for (const auto* o : shown) {
    kind = std::max(kind, o->kind.size());
    object = std::max(object, o->object.size());
    wanted = std::max(wanted, o->wanted.size());
  }
  auto pad = [](const std::string& s, size_t w) { return s + std::string(w > s.size() ? w - s.size() : 0, ' '); };
  std::string out;
  if (!shown.empty()) {
    out += "  " + pad("KIND", kind) + "  " + pad("OBJECT", object) + "  " + pad("WANTED", wanted) + "  LIVE\n";
    for (const auto* o : shown)
      out += std::string(o->ok ? "  " : "! ") + pad(o->kind, kind) + "  " + pad(o->object, object) + "  " +
             pad(o->wanted, wanted) + "  " + o->live + "\n";
  }
  size_t hidden = objects.size() - shown.size();
  if (hidden) out += std::to_string(hidden) + " object(s) as wanted" + (shown.empty() ? "" : " not listed") + " (-v lists every object)\n";
  return out;
}

nlohmann::json status_json(const std::vector<reconcile::ObjectStatus>& objects) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& o : objects)
    out.push_back({{"kind", o.kind}, {"object", o.object}, {"wanted", o.wanted}, {"live", o.live}, {"ok", o.ok}});
  return out;
}

nlohmann::json overrides_json(const std::vector<reconcile::LinkOverride>& overrides) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& o : overrides) {
    nlohmann::json j{{"link", o.link}, {"end", model::where(o.ns, o.ifname)}, {"down", o.down}};
    if (o.impairment) j["impairment"] = model::impairment_fields(*o.impairment);
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json diagnostics_json(const std::vector<model::Diagnostic>& diagnostics) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : diagnostics)
    out.push_back({{"severity", d.severity == model::Severity::error ? "error" : "warning"},
                   {"file", d.file},
                   {"line", d.line},
                   {"column", d.col},
                   {"message", d.message}});
  return out;
}

}  // namespace nswire::cli
