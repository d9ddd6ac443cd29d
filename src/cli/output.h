// How the CLI shows plans and diagnostics to people and to machines (--json).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nswire/topology/diagnostic.h"
#include "nswire/topology/plan.h"
#include "nswire/topology/status.h"

namespace nswire::cli {

std::string format_plan(const topology::Plan& plan);  // "+ create bridge br0 (linux)" lines
nlohmann::json plan_json(const topology::Plan& plan);
// A table of objects (KIND OBJECT WANTED LIVE, drift marked with '!'); with all = false, only the
// objects that drift are listed, and a line counts the rest.
std::string format_status(const std::vector<topology::ObjectStatus>& objects, bool all);
nlohmann::json status_json(const std::vector<topology::ObjectStatus>& objects);
nlohmann::json diagnostics_json(const std::vector<topology::Diagnostic>& diagnostics);

}  // namespace nswire::cli
