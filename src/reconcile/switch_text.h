// The switch options of bridges, ports and mirrors (backend/switch_options.h) in words, for plans
// and status rows: every field as "name value", and what differs between wanted and live.
// Internal to src/reconcile; pure.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "nswire/backend/switch_options.h"

namespace nswire::reconcile {

using Fields = std::vector<std::pair<std::string, std::string>>;  // (name, value), in a fixed order

Fields fields(const backend::BridgeOptions& o);
Fields fields(const backend::PortOptions& o);
std::string describe(const backend::MirrorSpec& m);  // "src a,b dst c -> output d"

// "fail_mode secure, protocols OpenFlow13" (empty fields left out; "" when all are).
std::string describe(const Fields& f);
// What `want` changes of `have`: "fail_mode secure (was standalone), qos none (was linux-htb 10mbit)".
std::string change(const Fields& want, const Fields& have);

}  // namespace nswire::reconcile
