// Test helpers for the model: a valid lab from YAML (every attach target "exists"), and its
// desired objects. Pure values, no system access.
#pragma once

#include <stdexcept>
#include <string>

#include "nswire/model/desired.h"
#include "nswire/backend/registry.h"
#include "nswire/model/validate.h"

namespace nswire::model::fixture {

// Throws with the findings when the lab does not validate.
inline Lab lab(const std::string& yaml) {
  ValidateOptions opts;
  opts.path_exists = [](const std::string&) { return true; };
  auto checked = check_string(yaml, "lab.yaml", nswire::backend::catalog(), opts);
  if (!checked.ok()) {
    std::string s = "lab does not validate:";
    for (const auto& d : checked.diagnostics) s += "\n  " + d.to_string();
    throw std::runtime_error(s);
  }
  return checked.lab;
}

// A lab across hosts: the part of `host` ("": the first host).
inline Desired desired(const std::string& yaml, const std::string& host = {}) {
  return flatten(lab(yaml), nswire::backend::catalog(), host);
}

}  // namespace nswire::model::fixture
