// The labs on this machine, each judged against its file; see
// include/nswire/reconcile/inventory.h. Labs are judged on a few threads at once: each is one
// observe (its namespaces, its backends' bridges), independent of the others.
#include "nswire/reconcile/inventory.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "nswire/backend/registry.h"
#include "nswire/model/validate.h"
#include "nswire/reconcile/record.h"
#include "nswire/reconcile/session.h"

namespace nswire::reconcile {
namespace {

void judge(LabEntry& e, const InventoryOptions& o) {
  const StateRecord& r = e.record;
  if (lab_busy(r.lab)) {
    e.state = LabState::busy;
    e.reason = "an up or down is running";
    return;
  }
  std::error_code ec;
  if (r.file.empty() || !std::filesystem::is_regular_file(r.file, ec)) {
    e.state = LabState::orphaned;
    e.reason = r.file.empty() ? "its record names no file" : "file gone: " + r.file;
    return;
  }
  auto checked = model::check_file(r.file, backend::catalog());
  if (!checked.ok()) {
    e.state = LabState::orphaned;
    for (const auto& d : checked.diagnostics)
      if (d.severity == model::Severity::error) {
        e.reason = "file no longer valid: " + d.to_string();
        break;
      }
    return;
  }
  if (checked.lab.name != r.lab) {
    e.state = LabState::orphaned;
    e.reason = "its file now names lab \"" + checked.lab.name + "\"";
    return;
  }
  SessionOptions so;
  if (!r.backend.empty()) so.backend = r.backend;
  so.ovsdb = r.ovsdb.empty() ? o.ovsdb : r.ovsdb;
  Session session(std::move(checked.lab), r.file, std::move(so));
  auto status = session.status();
  e.objects = std::move(status.objects);
  e.drift = std::move(status.drift);
  e.state = state_of(e.drift);
  if (e.state != LabState::up) e.reason = std::to_string(e.drift.actions.size()) + " change(s) to bring it up";
}

LabEntry entry(StateRecord r) {
  LabEntry e;
  e.nodes = r.namespaces.size() + r.attached.size();
  e.bridges = r.bridges.size();
  e.record = std::move(r);
  return e;
}

void judge_all(std::vector<LabEntry>& entries, const InventoryOptions& o) {
  if (!o.judge || entries.empty()) return;
  size_t threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, entries.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < entries.size(); i = next++) {
      try {
        judge(entries[i], o);
      } catch (const std::exception& ex) {
        entries[i].state = LabState::unknown;
        entries[i].reason = ex.what();
      }
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

}  // namespace

std::vector<LabEntry> list_labs(const InventoryOptions& options) {
  auto names = recorded_labs();
  std::sort(names.begin(), names.end());
  std::vector<LabEntry> entries;
  for (const auto& name : names) {
    try {
      if (auto r = load_record(name)) entries.push_back(entry(std::move(*r)));
    } catch (const std::exception& ex) {
      LabEntry e;
      e.record.lab = name;
      e.reason = ex.what();
      entries.push_back(std::move(e));
    }
  }
  // Unreadable records stay unknown; the rest are judged.
  std::vector<LabEntry> readable, unreadable;
  for (auto& e : entries) (e.reason.empty() ? readable : unreadable).push_back(std::move(e));
  judge_all(readable, options);
  readable.insert(readable.end(), std::make_move_iterator(unreadable.begin()), std::make_move_iterator(unreadable.end()));
  std::sort(readable.begin(), readable.end(), [](const LabEntry& a, const LabEntry& b) { return a.record.lab < b.record.lab; });
  return readable;
}

std::optional<LabEntry> inspect_lab(const std::string& lab, const InventoryOptions& options) {
  auto r = load_record(lab);
  if (!r) return std::nullopt;
  std::vector<LabEntry> one{entry(std::move(*r))};
  judge_all(one, options);
  return std::move(one.front());
}

}  // namespace nswire::reconcile
