// Progress of a long run (up, down, test) as plain values, for a progress bar: the applier and
// the connectivity tests report steps; the CLI draws them (or not: -v, --json, no terminal).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace nswire::reconcile {

// How far a run is, for a progress bar: the phase it is in and how much of that phase is done.
// Reported when a phase begins (done 0) and as its parts finish (done rising to total); a phase
// done in one batch goes from 0 to total at once.
struct ProgressStep {
  std::string phase;  // "removing", "bridges", "namespaces", "veth pairs", "ports", "configuring", "probes"
  size_t done = 0;
  size_t total = 0;
  bool operator==(const ProgressStep&) const = default;
};
using ProgressSteps = std::function<void(const ProgressStep&)>;

}  // namespace nswire::reconcile
