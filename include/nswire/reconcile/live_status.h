// A live lab's bridges and nodes as one state each (as wanted, drifting, missing), for the
// picture `nswire graph` draws: from the status rows and the drift of the same judgement
// `nswire status` shows (Session::status). Pure.
#pragma once

#include <vector>

#include "nswire/model/desired.h"
#include "nswire/model/graph.h"
#include "nswire/reconcile/plan.h"
#include "nswire/reconcile/status.h"

namespace nswire::reconcile {

// A bridge: missing when its row says so, drifting when the row is not as wanted or the drift
// changes it or one of its ports. A node: missing when its namespace is, drifting when the
// drift touches anything in it (its links, addresses, routes, sysctls, DNS, its veths' ends).
model::LiveStatus live_status(const Desired& desired, const std::vector<ObjectStatus>& objects, const Plan& drift);

}  // namespace nswire::reconcile
