// The lab's state record under /run/nswire/labs (tmpfs: it goes at reboot, like what it
// lists) and the per-lab lock that serialises concurrent runs on the same lab.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nswire/reconcile/observed.h"

namespace nswire::reconcile {

inline constexpr const char* kLabsDir = "/run/nswire/labs";

std::optional<StateRecord> load_record(const std::string& lab);
void save_record(const StateRecord& record);
void remove_record(const std::string& lab);
// Labs that have a record (so the embedded OVS knows whether anyone still uses it).
std::vector<std::string> recorded_labs();

// Whether a run holds the lab's lock now (looked at without creating the lock's file).
bool lab_busy(const std::string& lab);

// Removes the lock's file (while holding the lock), and the labs directory when it is empty.
void remove_lock_file(const std::string& lab);

// An exclusive flock on /run/nswire/labs/LAB.lock. With `wait` false a held lock throws
// nswire::Error("lab \"x\" is busy: another nswire run holds its lock").
class LabLock {
 public:
  LabLock(const std::string& lab, bool wait);
  ~LabLock();
  LabLock(const LabLock&) = delete;
  LabLock& operator=(const LabLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace nswire::reconcile
