// The keys of a link impairment as a lab file (`netem: { delay: 20ms, loss: 1% }`), the state
// record and `nswire link set --delay 20ms` write them, read with the strict units of
// nswire/netlink/units.h into the netlink layer's value type, and written back as the same text.
// One table, so the file, the record and the command line cannot spell a key differently. Pure.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "nswire/netlink/tc.h"

namespace nswire::model {

// delay jitter loss duplicate corrupt reorder rate limit.
const std::vector<std::string_view>& impairment_keys();

// Sets `key` of `impairment` from its text; returns the problem in a few words ("needs a unit
// (s, ms, us, ns), e.g. 20ms", "unknown key"), empty when it was set.
std::string set_impairment_key(netlink::Impairment& impairment, std::string_view key, std::string_view text);

// What is set, each as canonical text ({"delay": "20ms", "loss": "1%"}); set_impairment_key of
// every entry gives the impairment back.
std::map<std::string, std::string> impairment_fields(const netlink::Impairment& impairment);

}  // namespace nswire::model
