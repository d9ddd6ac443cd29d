// What is on the system now, as far as one lab is concerned: the lab's state record, each
// relevant namespace's links, addresses, routes, sysctls and resolv.conf, and each consulted
// backend's bridges. Plain values, so the planner is tested against fakes of it.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nswire/backend/bridge_backend.h"
#include "nswire/model/desired.h"
#include "nswire/netlink/addresses.h"
#include "nswire/netlink/links.h"
#include "nswire/netlink/routes.h"
#include "nswire/netlink/tc.h"

namespace nswire::reconcile {

// Reconciling works on the model's values (Lab, Desired, ...): its names are ours here.
using namespace nswire::model;

// A run-time override of the file on one veth end (`nswire link`, a sequence's fault step): its
// egress impairment instead of the file's, and/or the end administratively down. Kept in the
// state record until `nswire link ... reset|up` or the next `nswire up` (which restores the file).
struct LinkOverride {
  std::string link;                               // as named: "ra:wan", "blue:eth0", "br0:br1"
  std::string ns, ifname;                         // the veth end it acts on
  std::optional<netlink::Impairment> impairment;  // set: this instead of the file's
  bool down = false;
  bool operator==(const LinkOverride&) const = default;
};

// What a lab has created, kept under /run/nswire/labs/LAB.json (gone at reboot, like the
// objects it lists). `down` trusts it together with the ownership marks.
struct StateRecord {
  std::string lab;
  std::string file;                              // the lab file last applied
  std::vector<std::string> namespaces;           // created by the lab (deleted by down)
  std::map<std::string, std::string> attached;   // node -> namespace path (never deleted)
  std::map<std::string, std::string> bridges;    // name -> backend
  std::vector<std::string> backends;             // backends the lab has used
  // For `nswire ls` and for `down --lab NAME` when the file is gone (absent in older records:
  // empty, 0). Kept by the session, not the planner.
  std::string backend;                           // the lab's default backend as brought up (--backend)
  std::string ovsdb;                             // the --ovsdb it was brought up with, if any
  std::map<std::string, BackendSettings> settings;  // the lab's backend settings
  long long since = 0;                           // when the lab first came up (Unix seconds)
  long long updated = 0;                         // when an `up` last changed it
  std::string host;                              // a lab across hosts: the host this machine was up as
  std::vector<LinkOverride> overrides;           // in force now (`nswire link`)
  bool operator==(const StateRecord&) const = default;
};

// A namespace the lab created and no longer wants is only checked for existence and its nsid:
// it goes whole, so its contents are not read.
struct ObservedNamespace {
  bool exists = false;
  int nsid = -1;                                  // its id as the host namespace knows it
  std::vector<netlink::Link> links;
  std::vector<netlink::Address> addresses;
  std::vector<netlink::Route> routes;
  std::map<std::string, std::string> sysctls;   // the keys the lab sets, their current values
  std::optional<std::string> resolv_conf;        // /etc/netns/NODE/resolv.conf, when it exists
  bool resolv_conf_cut_short = false;            // its temporary file is there: a write was killed before its rename
  std::map<std::string, bool> tx_checksum;       // veths: TX checksum offload on?
  std::vector<netlink::RootQdisc> qdiscs;        // every link's root qdisc

  const netlink::Link* link(const std::string& name) const;
  const netlink::Link* link(int index) const;
  const netlink::RootQdisc* qdisc(int ifindex) const;

  // link()'s lookup table for a big namespace (the host of a 2000-node lab: a linear scan per
  // veth end made planning quadratic). Built on first use from `links` as it is then; rebuilt
  // when `links` was reallocated or resized since; a hit is checked against the link it names.
  struct LinkIndex;
  mutable std::shared_ptr<const LinkIndex> link_index;
};

struct Observed {
  std::optional<StateRecord> record;
  std::map<std::string, ObservedNamespace> namespaces;                  // "" = host
  std::map<std::string, std::vector<backend::ObservedBridge>> bridges;  // backend name -> bridges
};

}  // namespace nswire::reconcile
