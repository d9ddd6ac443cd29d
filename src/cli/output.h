// How the CLI shows plans and diagnostics to people and to machines (--json).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nswire/model/diagnostic.h"
#include "nswire/reconcile/plan.h"
#include "nswire/reconcile/status.h"

namespace nswire::cli {

std::string format_plan(const reconcile::Plan& plan);  // "+ create bridge br0 (linux)" lines
nlohmann::json plan_json(const reconcile::Plan& plan);
// A table of objects (KIND OBJECT WANTED LIVE, drift marked with '!'); with all = false, only the
// objects that drift are listed, and a line counts the rest.
std::string format_status(const std::vector<reconcile::ObjectStatus>& objects, bool all);
nlohmann::json status_json(const std::vector<reconcile::ObjectStatus>& objects);
// [{"link", "end", "down", "impairment": {"delay": "20ms", ...}}]
nlohmann::json overrides_json(const std::vector<reconcile::LinkOverride>& overrides);
nlohmann::json diagnostics_json(const std::vector<model::Diagnostic>& diagnostics);

}  // namespace nswire::cli
