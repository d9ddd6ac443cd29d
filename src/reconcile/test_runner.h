// Running a lab's `tests:` (connectivity.h's run_tests), shared by connectivity.cpp (pair tests
// and meshes: every probe of them in one event loop, at once) and measure_tests.cpp (tests that
// measure, one at a time, and sequences, step by step). Internal to src/reconcile.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nswire/probe/probe.h"
#include "nswire/probe/report.h"
#include "nswire/reconcile/connectivity.h"
#include "nswire/reconcile/session.h"

namespace nswire::reconcile {

class TestRunner {
 public:
  TestRunner(Session& session, ProgressSteps steps);

  // Every test's outcomes, in file order. Plain tests run together first, then each measuring
  // test alone, then each sequence (which may take links down, and puts them back up).
  std::vector<probe::Outcome> run();

 private:
  struct Target {
    std::string node;     // the node holding the address, "" when none does
    std::string address;  // the address probed
  };
  const netns::Namespace* ns(const std::string& node);
  // A lab across hosts: whether the node lives on this host (always, for a lab on one machine).
  // Probes start only from nodes here, and listen only in nodes here.
  bool here(const std::string& node) const;
  bool sequence_here(const ConnectivityTest& t) const;
  Target target(const std::string& from, const std::string& to) const;

  // connectivity.cpp: the probes of a pair test or mesh, with their outcomes (results unset).
  void add_probes(const ConnectivityTest& t, const std::string& prefix, std::vector<probe::Probe>& probes,
                  std::vector<probe::Outcome>& outcomes);
  std::vector<probe::Outcome> run_plain(const ConnectivityTest& t, const std::string& prefix);
  // measure_tests.cpp
  probe::Outcome measure(const ConnectivityTest& t, const std::string& prefix);
  std::vector<probe::Outcome> sequence(const ConnectivityTest& t, size_t index);
  probe::Outcome fault(const ConnectivityTest& step, const std::string& prefix);

  Session& session_;
  const Lab& lab_;
  ProgressSteps steps_;
  std::map<std::string, std::string> node_host_;  // a lab across hosts: each node's host
  std::map<std::string, std::unique_ptr<netns::Namespace>> handles_;
};

}  // namespace nswire::reconcile
