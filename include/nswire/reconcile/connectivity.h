// The lab's connectivity expectations (`tests:`) as probes: pair tests and meshes expanded to
// every ordered pair, node names resolved to their first address, TCP/UDP targets given
// nswire's own listener in the target node. All probes run together in one event loop.
#pragma once

#include <vector>

#include "nswire/probe/report.h"
#include "nswire/reconcile/progress.h"
#include "nswire/reconcile/session.h"

namespace nswire::reconcile {

// Runs every expectation of the session's lab; the lab must be up. `steps` (optional) hears
// phase "probes" as they finish.
std::vector<probe::Outcome> run_tests(Session& session, const ProgressSteps& steps = {});

}  // namespace nswire::reconcile
