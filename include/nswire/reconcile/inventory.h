// Every lab on this machine, from its state record (/run/nswire/labs/*.json), each judged
// against its file by the same observe + judgement `nswire status` uses: what `nswire ls`
// shows. A lab whose file is gone is still listed (and `down --lab NAME` takes it down).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nswire/reconcile/lab_state.h"
#include "nswire/reconcile/observed.h"
#include "nswire/reconcile/plan.h"
#include "nswire/reconcile/status.h"

namespace nswire::reconcile {

struct LabEntry {
  StateRecord record;
  LabState state = LabState::unknown;
  std::string reason;                  // why orphaned / unknown, or what drifts ("3 change(s)")
  size_t nodes = 0, bridges = 0;       // from the record
  // Filled when the lab could be judged:
  std::vector<ObjectStatus> objects;
  Plan drift;
};

struct InventoryOptions {
  std::string ovsdb;        // --ovsdb, for labs whose record names none
  bool judge = true;        // false: records only (state unknown, no observing)
  size_t threads = 0;       // labs judged at once (0: one per CPU)
};

// Every recorded lab, sorted by name.
std::vector<LabEntry> list_labs(const InventoryOptions& options = {});
// One lab by name; nullopt when it has no record.
std::optional<LabEntry> inspect_lab(const std::string& lab, const InventoryOptions& options = {});

}  // namespace nswire::reconcile
