// Session: lab file <-> system; see include/nswire/reconcile/session.h.
#include "nswire/reconcile/session.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>

#include "nswire/reconcile/apply.h"
#include "backends.h"
#include "nswire/error.h"
#include "nswire/model/hosts.h"
#include "nswire/netlink/addresses.h"
#include "nswire/netlink/link_support.h"
#include "nswire/netlink/qdisc_support.h"
#include "nswire/reconcile/overrides.h"
#include "nswire/reconcile/record.h"
#include "observe.h"

namespace nswire::reconcile {
namespace {

Lab with_override(Lab lab, const SessionOptions& o) {
  if (o.backend) lab.backend = *o.backend;
  return lab;
}

long long now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// What the record keeps for `nswire ls` and `down --lab`: where the file is, how the lab was
// brought up, since when.
void describe(StateRecord& r, const std::string& file, const Lab& lab, const Desired& desired,
              const SessionOptions& o, const std::optional<StateRecord>& before, bool changed) {
  std::error_code ec;
  auto absolute = file.empty() ? std::filesystem::path() : std::filesystem::absolute(file, ec);
  r.file = ec ? file : absolute.lexically_normal().string();
  r.backend = lab.backend;
  r.ovsdb = o.ovsdb;
  r.settings = desired.settings;
  r.since = before && before->since ? before->since : now_seconds();
  r.updated = changed || !before || !before->updated ? now_seconds() : before->updated;
}

// This machine's addresses (the host namespace's), to tell which of a lab's hosts it is.
std::vector<IpAddress> local_addresses() {
  auto socket = netlink::Socket::open();
  std::vector<IpAddress> out;
  for (const auto& a : netlink::dump_addresses(socket)) out.push_back(a.prefix.address());
  return out;
}

std::string this_host(const Lab& lab, const SessionOptions& o) {
  if (lab.hosts.empty() || o.host) return which_host(lab, o.host, {});
  try {
    return which_host(lab, o.host, local_addresses());
  } catch (const Error&) {
    // Not to be told by address: the host this machine was up as, if it still is one of the lab's.
    auto record = load_record(lab.name);
    if (record && find_host(lab, record->host)) return record->host;
    throw;
  }
}

}  // namespace

Session::Session(Lab lab, std::string file, SessionOptions options)
    : lab_(with_override(std::move(lab), options)),
      file_(std::move(file)),
      options_(std::move(options)),
      host_(this_host(lab_, options_)),
      desired_(flatten(lab_, backend::catalog(), host_)),
      backends_(make_backends()) {
  // What the host must do for the backends in use (asked without starting anything).
  std::set<std::string> used;
  for (const auto& b : desired_.bridges) used.insert(b.backend);
  for (const auto& name : used) desired_.software_checksums |= backends_->get(name).host_needs().software_checksums;
}

std::unique_ptr<Backends> Session::make_backends() const {
  return std::make_unique<Backends>(lab_.name, options_.ovsdb, desired_.settings, host_, desired_.spans_hosts);
}

void Session::release_backends() {
  backends_->release(!recorded_labs().empty());
  backends_ = make_backends();
}

Session::~Session() = default;

Plan Session::plan() {
  auto record = load_record(lab_.name);
  return plan_up(desired_, observe(desired_, record, *backends_));
}

Session::Status Session::status() {
  auto record = load_record(lab_.name);
  std::vector<LinkOverride> overrides = record ? record->overrides : std::vector<LinkOverride>{};
  Desired wanted = with_overrides(desired_, overrides);
  auto observed = observe(wanted, record, *backends_);
  Plan drift = plan_up(wanted, observed);
  return {object_status(wanted, observed, drift), std::move(drift), std::move(overrides)};
}

void Session::check_kernel_support(const Plan& plan, const std::string& verb, const std::string& lab) {
  std::map<std::string, std::string> kinds;  // kind -> the first end that needs it
  for (const auto& c : plan.configure)
    for (const auto& q : c.qdiscs)
      if (!q.impairment.empty()) kinds.emplace(q.impairment.rate_only() ? "tbf" : "netem", where(c.node, q.ifname));
  std::string first_vlan;  // the first VLAN subinterface the plan makes
  for (const auto& c : plan.configure)
    for (const auto& v : c.create_vlans)
      if (first_vlan.empty()) first_vlan = where(c.node, v.ifname);
  if (!first_vlan.empty())
    if (auto s = netlink::check_vlan_support(); !s.available)
      throw Error(verb + ": lab \"" + lab + "\" needs VLAN subinterfaces (" + first_vlan + "): " + s.problem +
                  "; nothing was changed");
  if (kinds.empty()) return;
  std::vector<std::string> names;
  for (const auto& [kind, end] : kinds) names.push_back(kind);
  for (const auto& s : netlink::check_qdisc_support(names))
    if (!s.available)
      throw Error(verb + ": lab \"" + lab + "\" needs the " + s.kind + " qdisc (on " + kinds[s.kind] + " egress): " + s.problem +
                  "; nothing was changed");
}

Plan Session::up() {
  LabLock lock(lab_.name, options_.wait_for_lock);
  auto before = load_record(lab_.name);
  auto observed = observe(desired_, before, *backends_);
  Plan p = plan_up(desired_, observed);
  describe(p.record, file_, lab_, desired_, options_, before, !p.empty());
  try {
    check_kernel_support(p, "up", lab_.name);
  } catch (...) {
    if (!before) remove_lock_file(lab_.name);  // as if this run had never been
    throw;
  }
  if (p.empty()) {
    if (!before || !(*before == p.record)) save_record(p.record);
    say_daemon_logs();
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
    auto system = with_fault_hook(make_real_system(desired_, *backends_));
    apply_plan(desired_, p, *system, {.verb = "up", .progress = options_.progress, .steps = options_.steps});
  } catch (...) {
    if (before) {
      save_record(*before);
    } else {
      remove_record(lab_.name);
      remove_lock_file(lab_.name);  // as if this run had never been
    }
    release_backends();
    throw;
  }
  save_record(p.record);
  say_daemon_logs();
  return p;
}

void Session::say_daemon_logs() {
  if (!options_.progress) return;
  std::set<std::string> used;
  for (const auto& b : desired_.bridges) used.insert(b.backend);
  for (const auto& name : used) {
    auto logs = backends_->get(name).daemon_logs();
    std::string files;
    for (const auto& l : logs) files += (files.empty() ? "" : ", ") + l;
    if (!files.empty()) options_.progress(name + " daemons log to " + files);
  }
}

Plan Session::down() {
  LabLock lock(lab_.name, options_.wait_for_lock);
  auto record = load_record(lab_.name);
  // The host this machine was up as, when the file no longer says (or cannot be read).
  if (record && !record->host.empty() && host_.empty() && !options_.host) {
    host_ = record->host;
    desired_.host = host_;
    desired_.spans_hosts = true;
    backends_ = make_backends();
  }
  // Observe what the record and the marks say; the file's current contents do not matter.
  Desired none;
  none.lab = lab_.name;
  none.backends = desired_.backends;
  none.settings = desired_.settings;
  none.namespaces.push_back({.node = kHost});
  // Attached namespaces are reached by their path (their marked links go; they stay).
  if (record)
    for (const auto& [node, path] : record->attached)
      none.namespaces.push_back({.node = node, .attached = true, .attach_path = path});
  // Bridges the file names are observed too, so a lab that lost its record still goes.
  for (const auto& b : desired_.bridges) none.bridges.push_back(b);
  Observed observed = observe(none, record, *backends_);
  Plan p = plan_down(lab_.name, observed, desired_.backends);
  auto system = with_fault_hook(make_real_system(none, *backends_));
  apply_plan(none, p, *system, {.verb = "down", .progress = options_.progress, .steps = options_.steps});
  if (record)  // placeholders of namespaces a killed run never finished
    for (const auto& n : record->namespaces) netns::remove_stale(n);
  remove_record(lab_.name);
  remove_lock_file(lab_.name);  // down leaves nothing behind, not even the lock's file
  release_backends();
  return p;
}

std::vector<backend::Warning> Session::diagnose() {
  std::vector<backend::Warning> out;
  std::set<std::string> used;
  for (const auto& b : desired_.bridges) used.insert(b.backend);
  for (const auto& name : used) {
    for (auto& w : backends_->get(name).diagnose()) {
      w.backend = name;
      out.push_back(std::move(w));
    }
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
