// How the CLI shows plans and diagnostics to people and to machines (--json).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nswire/topology/diagnostic.h"
#include "nswire/topology/plan.h"

namespace nswire::cli {

std::string format_plan(const topology::Plan& plan);  // "+ create bridge br0 (linux)" lines
nlohmann::json plan_json(const topology::Plan& plan);
nlohmann::json diagnostics_json(const std::vector<topology::Diagnostic>& diagnostics);

}  // namespace nswire::cli
