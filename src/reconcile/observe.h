// Observing the system for one lab (I/O); the planner then works on the plain result.
#pragma once

#include <optional>
#include <string>

#include "backends.h"
#include "nswire/netns/namespace.h"
#include "nswire/model/desired.h"
#include "nswire/reconcile/observed.h"

namespace nswire::reconcile {

Observed observe(const Desired& desired, const std::optional<StateRecord>& record, Backends& backends);

// A node's namespace: the attach path when given, else /run/netns/NODE; nullopt when a named
// one does not exist.
std::optional<netns::Namespace> open_node_namespace(const std::string& node, const std::string& attach_path);

}  // namespace nswire::reconcile
