// Test helpers for reading a plan: its actions as text for failure messages, and the changes
// planned inside one namespace.
#pragma once

#include <string>

#include "nswire/reconcile/plan.h"

namespace nswire::reconcile::plan_text {

inline std::string dump(const Plan& p) {
  std::string s;
  for (const auto& a : p.actions)
    s += std::string("\n  ") + to_string(a.op) + " " + to_string(a.kind) + " " + a.object + (a.detail.empty() ? "" : " (" + a.detail + ")");
  return s.empty() ? "\n  <empty plan>" : s;
}

inline const NamespaceChanges* changes_in(const Plan& p, const std::string& node) {
  for (const auto& c : p.configure)
    if (c.node == node) return &c;
  return nullptr;
}

}  // namespace nswire::reconcile::plan_text
