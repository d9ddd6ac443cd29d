// Run-time overrides of a lab's links (`nswire link NAME set|down`, a sequence's fault step) and
// what they do to the desired state. They live in the state record (StateRecord::overrides), one
// entry per veth end; status judges the lab against the file with them applied, so a link the
// user took down or impaired on purpose is an intended override (a note), not drift, until
// `nswire link NAME reset|up` or the next `nswire up`, which restores the file. Pure.
#pragma once

#include <string>
#include <vector>

#include "nswire/model/desired.h"
#include "nswire/reconcile/observed.h"

namespace nswire::reconcile {

// `desired` with every override put on its end (an override of an end the lab no longer has is
// ignored).
Desired with_overrides(Desired desired, const std::vector<LinkOverride>& overrides);

// `nswire link NAME set`: the egress impairment of the named end (out), of its peer (in), or both.
void override_impairment(std::vector<LinkOverride>& overrides, const std::string& name, const DesiredVeth& veth,
                         bool named_a, Direction direction, const netlink::Impairment& impairment);
// `nswire link NAME down`: the end a fault takes down (model::NamedVeth::fault_a).
void override_down(std::vector<LinkOverride>& overrides, const std::string& name, const DesiredVeth& veth, bool fault_a);
// `up`: neither end of the veth held down any more; `reset`: nothing of the veth overridden.
void clear_down(std::vector<LinkOverride>& overrides, const DesiredVeth& veth);
void clear_overrides(std::vector<LinkOverride>& overrides, const DesiredVeth& veth);

// "ra:wan down", "blue:eth0 egress netem delay 50ms" (the end as named, with what it overrides).
std::string describe(const LinkOverride& override);

}  // namespace nswire::reconcile
