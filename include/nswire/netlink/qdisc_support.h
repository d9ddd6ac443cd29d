// Whether this kernel can run a qdisc kind, found without changing anything on the system: the
// kind is tried as the root qdisc of `lo` in a throwaway network namespace (made by a helper
// thread with unshare(CLONE_NEWNET); it vanishes when the thread ends), so `up` can refuse a lab
// that needs netem before it creates anything, naming the kernel module that is missing.
#pragma once

#include <string>
#include <vector>

namespace nswire::netlink {

struct QdiscSupport {
  std::string kind;       // "netem", "tbf", ...
  bool available = false;
  // When not available: "the kernel has no netem qdisc (module sch_netem is not loaded and
  // could not be loaded: modprobe sch_netem, or a kernel with CONFIG_NET_SCH_NETEM)", or the
  // kernel's refusal with its message.
  std::string problem;
  bool operator==(const QdiscSupport&) const = default;
};

// The kernel module that provides a qdisc kind: "sch_" + kind ("sch_netem", "sch_tbf").
std::string qdisc_module(const std::string& kind);

// One answer per kind, in order. The kernel loads a missing module on demand when it can (as `tc`
// would make it do); the answer says whether the kind works afterwards. Throws nswire::Error only
// when the throwaway namespace cannot be made (no CAP_SYS_ADMIN) or netlink itself fails.
std::vector<QdiscSupport> check_qdisc_support(const std::vector<std::string>& kinds);

}  // namespace nswire::netlink
