// A lab's state from its drift; see include/nswire/reconcile/lab_state.h.
#include "nswire/reconcile/lab_state.h"

namespace nswire::reconcile {

const char* to_string(LabState s) {
  switch (s) {
    case LabState::up: return "up";
    case LabState::partial: return "partial";
    case LabState::drifted: return "drifted";
    case LabState::busy: return "busy";
    case LabState::orphaned: return "orphaned";
    case LabState::unknown: break;
  }
  return "unknown";
}

LabState state_of(const Plan& drift) {
  if (drift.empty()) return LabState::up;
  for (const auto& a : drift.actions) {
    if (a.op != Action::Op::create) continue;
    switch (a.kind) {
      case Action::Kind::namespace_:
      case Action::Kind::bridge:
      case Action::Kind::veth:
      case Action::Kind::port:
      case Action::Kind::patch: return LabState::partial;
      default: break;
    }
  }
  return LabState::drifted;
}

}  // namespace nswire::reconcile
