// The switch options of a lab (backend/switch_options.h) in Open_vSwitch terms, both ways:
// observed from the database's rows (only the columns a lab writes: never ofport, error,
// link_state, is_connected, the datapath id in use, status or the active bond member), and turned
// into the FULL settings of an add-br / add-port --may-exist, so that every `up` sends everything
// wanted and a lab in sync writes nothing (the planner of ovsdb/vswitch.h diffs the rows).
#pragma once

#include <string>

#include "nswire/backend/switch_options.h"
#include "ovsdb/vswitch.h"

namespace nswire::backend::ovs {

namespace vs = ovsdb::vswitch;

// What a bridge / port / mirror row holds of a lab's options. `mark_key` is left out of
// external_ids (it is the ownership mark, not a passthrough key).
BridgeOptions observe_bridge(const vs::Bridge& b, const std::string& mark_key);
PortOptions observe_port(const vs::Port& p);
MirrorSpec observe_mirror(const vs::Mirror& m);

// The settings that make a bridge exactly `want` (starting from `have`, nullptr when new); rows
// it creates (controllers, sFlow, IPFIX) carry `mark`. The bridge's external_ids are set by the
// caller (mark plus want.external_ids); keys to remove are bridge_external_ids_to_remove's.
vs::BridgeSettings bridge_settings(const BridgeOptions& want, const vs::Bridge* have, const vs::StringMap& mark);
std::vector<std::string> bridge_external_ids_to_remove(const BridgeOptions& want, const vs::Bridge& have,
                                                       const std::string& mark_key);

// The settings that make a port (and its interface) exactly `want`.
// A port whose device nswire impairs gets a QoS of type linux-noop (`keep_qdisc`): ovs-vswitchd
// then leaves its root qdisc alone (it replaces the root qdisc of every port it manages QoS on).
// It is nswire's, not a setting of the lab: observe_port leaves it out of the options.
inline constexpr const char* kNoopQos = "linux-noop";
vs::PortSettings port_settings(const PortOptions& want, const vs::Port* have, const vs::StringMap& mark,
                               bool keep_qdisc = false);
vs::InterfaceSettings interface_settings(const PortOptions& want);

// A mirror row as a lab wants it, marked.
vs::Mirror mirror_row(const MirrorSpec& want, const vs::StringMap& mark);

}  // namespace nswire::backend::ovs
