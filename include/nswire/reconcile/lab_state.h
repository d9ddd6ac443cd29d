// A lab's state as a whole, for `nswire ls`: one word from the drift (the planner's judgement,
// the same `nswire status` shows object by object) or from why the lab could not be judged.
// Pure.
#pragma once

#include "nswire/reconcile/plan.h"

namespace nswire::reconcile {

enum class LabState {
  up,        // as its file wants: nothing to do
  partial,   // objects of the file are missing (`up` would create namespaces, bridges, veths, ports)
  drifted,   // everything exists, but something differs from the file (`up` would change it)
  busy,      // an `up` or `down` holds its lock right now
  orphaned,  // its file is gone or no longer valid: only `down --lab NAME` applies
  unknown,   // looking failed
};
const char* to_string(LabState s);  // "up" | "partial" | "drifted" | "busy" | "orphaned" | "unknown"

// The state a drift means: up when empty, partial when it creates objects, else drifted.
LabState state_of(const Plan& drift);

}  // namespace nswire::reconcile
