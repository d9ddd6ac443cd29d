// Where the OVN a lab uses is, and whether this host takes part in it. nswire never runs a
// control plane of its own making: it finds OVN's (Debian's ovn-central for the Northbound
// database, ovn-host's ovn-controller on every host), and says what is missing when it is not
// there. Only for a lab on one machine, where nothing answers, it starts the embedded OVN
// (embedded_ovn.h), the way the OVS backend starts an embedded Open vSwitch.
#pragma once

#include <optional>
#include <string>

namespace nswire::backend::ovn {

inline constexpr const char* kSystemNbSocket = "/var/run/ovn/ovnnb_db.sock";

// The Northbound database to talk to: the lab's setting `northbound` if given, else
// $NSWIRE_OVN_NB, else Debian's ovn-central on its system socket if it answers, else the embedded
// one if it runs. "" when none of these is there.
std::string find_northbound(const std::string& setting);

// What the local Open vSwitch says about ovn-controller: nullopt when it is configured (an
// integration bridge and external_ids:ovn-remote), else what is missing, for a message.
std::optional<std::string> local_controller_missing(const std::string& local_ovs);

// For a lab on one machine: starts the embedded OVN (Northbound and Southbound databases,
// ovn-northd, and ovn-controller on `local_ovs`), unless it runs; returns its Northbound endpoint.
std::string start_embedded_for_one_machine(const std::string& local_ovs);

// Whether a database answers at `endpoint` within a short time.
bool answers(const std::string& endpoint);

}  // namespace nswire::backend::ovn
