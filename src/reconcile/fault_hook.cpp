// The test-only fault hook (see with_fault_hook in include/nswire/reconcile/system.h): a System
// that counts the steps that change something and, at the chosen one, kills the process the way
// a crash would, or fails instead of acting. Compiled in so the crash-consistency tests drive the
// product binary itself; inert unless its environment variables are set.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>

#include "nswire/error.h"
#include "nswire/reconcile/system.h"

namespace nswire::reconcile {
namespace {

long env_step(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return 0;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  return end && *end == '\0' && n > 0 ? n : 0;
}

class FaultHook final : public System {
 public:
  FaultHook(std::unique_ptr<System> inner, long kill_at, long fail_at, long fail_after, const char* log)
      : inner_(std::move(inner)), kill_at_(kill_at), fail_at_(fail_at), fail_after_(fail_after), log_(log ? log : "") {}

  void create_namespace(const std::string& node) override {
    step("create namespace " + node);
    inner_->create_namespace(node);
  }
  void remove_namespace(const std::string& node) override {
    step("remove namespace " + node);
    inner_->remove_namespace(node);
  }
  bool namespace_exists(const std::string& node) override { return inner_->namespace_exists(node); }
  int namespace_fd(const std::string& node) override { return inner_->namespace_fd(node); }
  std::vector<netlink::Outcome> send(const std::string& node, netlink::Batch& batch) override {
    if (!batch.empty()) step("netlink batch of " + std::to_string(batch.size()) + " in " + (node.empty() ? "host" : node));
    return inner_->send(node, batch);
  }
  std::vector<netlink::Link> links(const std::string& node) override { return inner_->links(node); }
  std::vector<netlink::Address> addresses(const std::string& node, int family) override {
    return inner_->addresses(node, family);
  }
  bool host_link_exists(const std::string& name) override { return inner_->host_link_exists(name); }
  std::vector<std::string> not_running(const std::string& node, const std::vector<std::string>& names) override {
    return inner_->not_running(node, names);
  }
  void set_tx_checksum(const std::string& node, const std::string& ifname, bool on) override {
    step("checksum offload of " + ifname);
    inner_->set_tx_checksum(node, ifname, on);
  }
  std::string read_sysctl(const std::string& node, const std::string& key) override { return inner_->read_sysctl(node, key); }
  void write_sysctl(const std::string& node, const std::string& key, const std::string& value) override {
    step("sysctl " + key);
    inner_->write_sysctl(node, key, value);
  }
  bool resolv_conf_exists(const std::string& node) override { return inner_->resolv_conf_exists(node); }
  void write_resolv_conf(const std::string& node, const std::vector<std::string>& nameservers,
                         const std::vector<std::string>& search) override {
    step("resolv.conf of " + node);
    inner_->write_resolv_conf(node, nameservers, search);
  }
  void remove_etc(const std::string& node) override {
    step("remove /etc/netns/" + node);
    inner_->remove_etc(node);
  }
  std::vector<std::string> wait_ready(const std::string& backend, const std::vector<backend::PortRef>& ports) override {
    return inner_->wait_ready(backend, ports);
  }
  void apply(const std::string& backend, const backend::Changes& changes) override {
    step("apply on " + backend);
    long k;
    {
      std::lock_guard<std::mutex> hold(lock_);
      k = ++applies_;
    }
    inner_->apply(backend, changes);
    after(k);
  }

 private:
  // Before a change: kill or refuse at the chosen step. Returns the step's number.
  long step(const std::string& what) {
    long n;
    {
      std::lock_guard<std::mutex> hold(lock_);  // steps may come from two threads
      n = ++steps_;
      if (!log_.empty()) std::ofstream(log_, std::ios::app) << n << " " << what << "\n";
    }
    if (n == kill_at_) kill(getpid(), SIGKILL);
    if (n == fail_at_) throw Error("test fault hook: step " + std::to_string(n) + " (" + what + ") refused");
    return n;
  }
  // After the kth backend change took: fail as a switch does that commits a transaction and then
  // reports an error (OVS: an interface ovs-vswitchd could not open). Counted among applies only:
  // they come in a fixed order, where the steps of two threads interleave.
  void after(long k) {
    if (k == fail_after_) throw Error("test fault hook: backend change " + std::to_string(k) + " failed after it took");
  }

  std::unique_ptr<System> inner_;
  long kill_at_, fail_at_, fail_after_;
  std::string log_;
  std::mutex lock_;
  long steps_ = 0, applies_ = 0;
};

}  // namespace

std::unique_ptr<System> with_fault_hook(std::unique_ptr<System> system) {
  long kill_at = env_step("NSWIRE_TEST_KILL_AT_STEP"), fail_at = env_step("NSWIRE_TEST_FAIL_AT_STEP"),
       fail_after = env_step("NSWIRE_TEST_FAIL_AFTER_APPLY");
  const char* log = std::getenv("NSWIRE_TEST_STEP_LOG");
  if (!kill_at && !fail_at && !fail_after && !(log && *log)) return system;
  return std::make_unique<FaultHook>(std::move(system), kill_at, fail_at, fail_after, log);
}

}  // namespace nswire::reconcile
