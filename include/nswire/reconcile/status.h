// Desired vs live, object by object, for `nswire status`: every bridge, namespace, veth pair,
// port, patch, address and route the lab file wants, with what the system has for it now.
// Pure (Desired x Observed -> rows); what `up` would change is the plan's job, this is the view.
#pragma once

#include <string>
#include <vector>

#include "nswire/model/desired.h"
#include "nswire/reconcile/observed.h"

namespace nswire::reconcile {

struct ObjectStatus {
  std::string kind;     // bridge | namespace | veth | port | patch | address | route
  std::string object;   // "br0", "blue", "blue:eth0 <-> blue-eth0-3fa9", "10.0.2.1/24 on blue:eth0"
  std::string wanted;   // what the file asks for
  std::string live;     // what is there now ("missing" when nothing)
  bool ok = false;      // live matches wanted
};

std::vector<ObjectStatus> object_status(const Desired& desired, const Observed& observed);

// A live route is the wanted one: same destination, gateway and (when given) device. Shared
// with the planner so both agree on what "present" means.
bool route_matches(const netlink::Route& want, const std::string& dev, const netlink::Route& have,
                   const ObservedNamespace& ns);

}  // namespace nswire::reconcile
