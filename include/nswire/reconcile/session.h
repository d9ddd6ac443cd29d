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
  // One look at the system: every wanted object with its live state, and the drift (what
  // `up` would do). Changes nothing.
  struct Status {
    std::vector<ObjectStatus> objects;
    Plan drift;
  };
  Status status();
  // Makes the system match the file; returns what it did. On failure, rolls back and throws.
  Plan up();
  // Removes everything the lab owns; idempotent. Needs only the lab's name.
  Plan down();
  // Host conditions that will hurt this lab (br_netfilter, ...), from the backends in use.
  std::vector<backend::Warning> diagnose();

  // A node's namespace (for probes and exec); throws when it does not exist.
  netns::Namespace open_node(const std::string& node) const;

 private:
  std::unique_ptr<Backends> make_backends() const;
  // Tells every backend used that this run is done with it, then starts afresh.
  void release_backends();
  // Where the daemons the lab's backends started write their logs, as progress lines.
  void say_daemon_logs();

  Lab lab_;
  std::string file_;
  SessionOptions options_;
  std::string host_;
  Desired desired_;
  std::unique_ptr<Backends> backends_;
};

}  // namespace nswire::reconcile
