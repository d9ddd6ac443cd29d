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

namespace nswire::reconcile {

// What can explain the failed outcomes, for `nswire test` ("possible cause: ..."): the backends'
// warnings that apply to the failing paths (hints.h: warnings_for) and the neighbour-table hints
// (figures read over netlink). Empty when nothing failed.
std::vector<std::string> failure_causes(Session& session, const std::vector<probe::Outcome>& outcomes);
// The neighbour-table hints for this lab on this machine, failures or not (`nswire status`).
std::vector<std::string> neighbour_table_hints(const Session& session);

}  // namespace nswire::reconcile
