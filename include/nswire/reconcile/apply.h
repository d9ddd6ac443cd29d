// The applier: the only place that acts on a Plan, and only through a System (system.h).
// Phases run in the order plan.h lists, each batched; every change it makes is journaled with its
// inverse, so a failure rolls the run back, newest first, before the error goes up.
#pragma once

#include <functional>
#include <string>

#include "nswire/model/desired.h"
#include "nswire/reconcile/plan.h"
#include "nswire/reconcile/progress.h"
#include "nswire/reconcile/system.h"

namespace nswire::reconcile {

using Progress = std::function<void(const std::string&)>;

struct ApplyOptions {
  std::string verb = "up";       // names the run in errors: "up failed: ..."
  Progress progress;             // human progress lines (one as each phase begins)
  ProgressSteps steps;           // the same run as steps; called from the applier's threads, one at a time
  // Backends attach ports on a helper thread while this one configures the namespaces (they
  // share nothing). Off: one after the other, in a fixed order (for tests that check it).
  bool overlap_ports = true;
};

// Throws nswire::Error("VERB failed: <what>: <why>; rolled back <n> changes") after rolling back.
void apply_plan(const Desired& desired, const Plan& plan, System& system, const ApplyOptions& options);

}  // namespace nswire::reconcile
