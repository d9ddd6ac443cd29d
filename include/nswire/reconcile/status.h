// Desired vs live, object by object, for `nswire status`: every bridge, namespace, veth pair,
// port, patch, address and route the lab file wants, with what the system has for it now.
// Pure (Desired x Observed -> rows). Each verdict is the planner's own (reconcile/judge.h): what
// `up` would change is the plan, this is the view of the same judgement.
#pragma once

#include <string>
#include <vector>

#include "nswire/model/desired.h"
#include "nswire/reconcile/observed.h"
#include "nswire/reconcile/plan.h"

namespace nswire::reconcile {

struct ObjectStatus {
  std::string kind;     // bridge | namespace | veth | port | patch | qdisc | address | route | sysctl | dns
  std::string object;   // "br0", "blue", "blue:eth0 <-> blue-eth0-3fa9", "10.0.2.1/24 on blue:eth0"
  std::string wanted;   // what the file asks for
  std::string live;     // what is there now ("missing" when nothing)
  bool ok = false;      // live matches wanted
};

std::vector<ObjectStatus> object_status(const Desired& desired, const Observed& observed);
// The same, plus a row for each object the lab owns but no longer wants (the drift's removals),
// so that a lab is in sync (drift empty) exactly when every row is as wanted.
std::vector<ObjectStatus> object_status(const Desired& desired, const Observed& observed, const Plan& drift);

}  // namespace nswire::reconcile
