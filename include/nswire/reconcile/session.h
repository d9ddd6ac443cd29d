// One lab file and the system: the entry point the CLI (or any other client) uses for
// plan / up / down / status. Locks the lab for the duration of a change, keeps its state
// record, and stops the embedded Open vSwitch when the last lab that used it goes down.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nswire/backend/bridge_backend.h"
#include "nswire/netns/namespace.h"
#include "nswire/model/desired.h"
#include "nswire/model/lab.h"
#include "nswire/netlink/links.h"
#include "nswire/netlink/tc.h"
#include "nswire/reconcile/plan.h"
#include "nswire/reconcile/progress.h"
#include "nswire/reconcile/status.h"

namespace nswire::reconcile {

class Backends;

struct SessionOptions {
  std::optional<std::string> backend;  // --backend: overrides the file's default backend
  // --host: the lab's host this machine is (a lab across hosts); unset: found by address, or the
  // host its record names (down)
  std::optional<std::string> host;
  std::string ovsdb;               // --ovsdb
  bool wait_for_lock = true;
  std::function<void(const std::string&)> progress;  // human progress lines
  ProgressSteps steps;                               // the same, as steps for a progress bar
};

class Session {
 public:
  Session(Lab lab, std::string file, SessionOptions options);
  ~Session();

  const Lab& lab() const { return lab_; }
  const Desired& desired() const { return desired_; }
  // The lab's host this machine is ("" for a lab without hosts); this run serves its part only.
  const std::string& host() const { return host_; }

  // What `up` would do; changes nothing.
  Plan plan();
  // One look at the system: every wanted object with its live state, and the drift, judged
  // against the file with the overrides in force (`nswire link`) applied. Changes nothing.
  struct Status {
    std::vector<ObjectStatus> objects;
    Plan drift;
    std::vector<LinkOverride> overrides;  // intended, not drift: shown as notes
  };
  Status status();
  // Makes the system match the file (overrides end); returns what it did. On failure, rolls back
  // and throws. A lab that asks for a qdisc kind this kernel lacks (netem) fails before anything
  // changes, naming the kernel module.
  Plan up();
  // Removes everything the lab owns; idempotent. Needs only the lab's name.
  Plan down();
  // Host conditions that will hurt this lab (br_netfilter, ...), from the backends in use.
  std::vector<backend::Warning> diagnose();

  // A node's namespace (for probes and exec); throws when it does not exist.
  netns::Namespace open_node(const std::string& node) const;

  // One link at run time (`nswire link`, a sequence's fault steps). NAME is NODE:IF (a node
  // interface or link end), host:IF or BRIDGE:BRIDGE. Each records an override in the state
  // record and applies only what concerns that link's two ends (plan_link); the lab must be up.
  // impair_link: the egress impairment of the named end (out), of its peer (in) or both.
  Plan impair_link(const std::string& name, model::Direction direction, const netlink::Impairment& impairment);
  // Back to the file for both ends (impairment and state).
  Plan reset_link(const std::string& name);
  // Down at its bridge side when it has one, else at the named end (model::NamedVeth).
  Plan link_down(const std::string& name);
  // Both ends up again; returns once both have a carrier (bounded), their addresses and routes back.
  Plan link_up(const std::string& name);

  struct LinkEnd {
    std::string end;             // "ra:wan", "blue-eth0-3fa9"
    std::string toward;          // "out" (what NAME sends: the named end's egress) | "in"
    netlink::Impairment file;    // what the file asks of its egress
    netlink::Impairment wanted;  // with the overrides in force
    bool overridden = false, wanted_down = false;
    std::optional<netlink::Link> link;        // the live device
    std::optional<netlink::RootQdisc> qdisc;  // its live root qdisc
    bool as_wanted = false;                   // qdisc and state
  };
  struct LinkView {
    std::string name, origin;
    std::vector<LinkEnd> ends;  // the named end first
  };
  LinkView show_link(const std::string& name);

 private:
  std::unique_ptr<Backends> make_backends() const;
  // Tells every backend used that this run is done with it, then starts afresh.
  void release_backends();
  // Where the daemons the lab's backends started write their logs, as progress lines.
  void say_daemon_logs();
  // Records what `edit` does to the overrides of the veth NAME stands for, and applies that link.
  Plan change_link(const std::string& name, const std::string& verb,
                   const std::function<void(std::vector<LinkOverride>&, const DesiredVeth&, const NamedVeth&)>& edit);
  static bool judge_down(const Observed& observed, const VethEnd& end);  // administratively down now
  // Throws (before anything changes) when the plan sets a qdisc kind or makes a link kind (VLAN
  // devices) the kernel lacks.
  static void check_kernel_support(const Plan& plan, const std::string& verb, const std::string& lab);

  Lab lab_;
  std::string file_;
  SessionOptions options_;
  std::string host_;
  Desired desired_;
  std::unique_ptr<Backends> backends_;
};

}  // namespace nswire::reconcile
