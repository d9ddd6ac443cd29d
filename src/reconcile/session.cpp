// Session: lab file <-> system; see include/nswire/reconcile/session.h.
#include "nswire/reconcile/session.h"

#include <algorithm>
#include <set>

#include "backend/ovs/embedded.h"
#include "apply.h"
#include "backends.h"
#include "nswire/error.h"
#include "nswire/reconcile/record.h"
#include "observe.h"

namespace nswire::reconcile {
namespace {

Lab with_override(Lab lab, const SessionOptions& o) {
  if (o.backend) lab.backend = *o.backend;
  return lab;
}

// Stop the embedded Open vSwitch when no lab is left to use it.
void release_embedded_ovs() {
  if (backend::ovs::embedded_running() && recorded_labs().empty()) backend::ovs::stop_embedded();
}

}  // namespace

Session::Session(Lab lab, std::string file, SessionOptions options)
    : lab_(with_override(std::move(lab), options)),
      file_(std::move(file)),
      options_(std::move(options)),
      desired_(flatten(lab_)),
      backends_(std::make_unique<Backends>(backend::Context{lab_.name, options_.ovsdb, desired_.ovs_datapath})) {
  bool ovs = std::any_of(desired_.bridges.begin(), desired_.bridges.end(), [](const auto& b) { return b.backend == "ovs"; });
  desired_.software_checksums = ovs && backend::ovs::resolve_datapath(desired_.ovs_datapath) == "netdev";
}

Session::~Session() = default;

Plan Session::plan() {
  auto record = load_record(lab_.name);
  return plan_up(desired_, observe(desired_, record, *backends_));
}

Session::Status Session::status() {
  auto record = load_record(lab_.name);
  auto observed = observe(desired_, record, *backends_);
  return {object_status(desired_, observed), plan_up(desired_, observed)};
}

Plan Session::up() {
  LabLock lock(lab_.name, options_.wait_for_lock);
  auto before = load_record(lab_.name);
  auto observed = observe(desired_, before, *backends_);
  Plan p = plan_up(desired_, observed);
  p.record.file = file_;
  if (p.empty()) {
    if (!before || !(*before == p.record)) save_record(p.record);
    return p;
  }
  // Record the union of old and new first: if this process dies mid-way, the next up or
  // down still knows every object it may have made.
  StateRecord during = p.record;
  if (before) {
    for (const auto& n : before->namespaces)
      if (std::find(during.namespaces.begin(), during.namespaces.end(), n) == during.namespaces.end())
        during.namespaces.push_back(n);
    during.attached.insert(before->attached.begin(), before->attached.end());
    during.bridges.insert(before->bridges.begin(), before->bridges.end());
    std::set<std::string> b(during.backends.begin(), during.backends.end());
    b.insert(before->backends.begin(), before->backends.end());
    during.backends.assign(b.begin(), b.end());
  }
  save_record(during);
  try {
    apply_plan(desired_, p, *backends_, options_.progress, "up");
  } catch (...) {
    if (before) {
      save_record(*before);
    } else {
      remove_record(lab_.name);
      remove_lock_file(lab_.name);  // as if this run had never been
    }
    backends_.reset();  // drop the OVSDB connection before maybe stopping the embedded OVS
    release_embedded_ovs();
    throw;
  }
  save_record(p.record);
  return p;
}

Plan Session::down() {
  LabLock lock(lab_.name, options_.wait_for_lock);
  auto record = load_record(lab_.name);
  // Observe what the record and the marks say; the file's current contents do not matter.
  Desired none;
  none.lab = lab_.name;
  none.ovs_datapath = desired_.ovs_datapath;
  none.namespaces.push_back({.node = kHost});
  // Attached namespaces are reached by their path (their marked links go; they stay).
  if (record)
    for (const auto& [node, path] : record->attached)
      none.namespaces.push_back({.node = node, .attached = true, .attach_path = path});
  // Bridges the file names are observed too, so a lab that lost its record still goes.
  for (const auto& b : desired_.bridges) none.bridges.push_back(b);
  Observed observed = observe(none, record, *backends_);
  Plan p = plan_down(lab_.name, observed);
  apply_plan(none, p, *backends_, options_.progress, "down");
  if (record)  // placeholders of namespaces a killed run never finished
    for (const auto& n : record->namespaces) netns::remove_stale(n);
  remove_record(lab_.name);
  remove_lock_file(lab_.name);  // down leaves nothing behind, not even the lock's file
  backends_.reset();
  release_embedded_ovs();
  backends_ = std::make_unique<Backends>(backend::Context{lab_.name, options_.ovsdb, desired_.ovs_datapath});
  return p;
}

std::vector<backend::Warning> Session::diagnose() {
  std::vector<backend::Warning> out;
  std::set<std::string> used;
  for (const auto& b : desired_.bridges) used.insert(b.backend);
  for (const auto& name : used) {
    auto w = backends_->get(name).diagnose();
    out.insert(out.end(), w.begin(), w.end());
  }
  return out;
}

netns::Namespace Session::open_node(const std::string& node) const {
  const auto* d = desired_.find_namespace(node);
  if (!d || node.empty()) throw Error("no node \"" + node + "\" in lab \"" + lab_.name + "\"");
  auto ns = open_node_namespace(node, d->attach_path);
  if (!ns) throw Error("node \"" + node + "\": its namespace does not exist (is the lab up?)");
  return std::move(*ns);
}

}  // namespace nswire::reconcile
