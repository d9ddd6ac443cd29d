// The applier: the only place that acts on a Plan. Phases run in the order plan.h lists,
// each batched; every change it makes is journaled with its inverse, so a failure rolls the
// run back before the error goes up.
#pragma once

#include <functional>
#include <string>

#include "backends.h"
#include "nswire/model/desired.h"
#include "nswire/reconcile/plan.h"

namespace nswire::reconcile {

using Progress = std::function<void(const std::string&)>;

// Throws nswire::Error("VERB failed: <what>: <why>; rolled back <n> changes") after rolling back.
void apply_plan(const Desired& desired, const Plan& plan, Backends& backends, const Progress& progress,
                const std::string& verb);

}  // namespace nswire::reconcile
