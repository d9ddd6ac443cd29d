// Qdisc kind detection in a throwaway namespace; see include/nswire/netlink/qdisc_support.h.
// Each kind is tried on `lo` of a throwaway namespace (throwaway_ns.h) with minimal valid options.
#include "nswire/netlink/qdisc_support.h"

#include <cctype>
#include <cerrno>

#include "nswire/error.h"
#include "nswire/netlink/socket.h"
#include "nswire/netlink/tc.h"
#include "throwaway_ns.h"

namespace nswire::netlink {
namespace {

constexpr int kLoopbackIndex = 1;  // lo is always ifindex 1 in a new namespace

std::string upper(const std::string& s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Options of the kinds nswire sets (replace_root_qdisc picks tbf for a rate alone, netem else).
Impairment trial_impairment(const std::string& kind) {
  Impairment imp;
  if (kind == "tbf") imp.rate_bps = 1000000;
  else imp.delay = std::chrono::milliseconds(1);
  return imp;
}

QdiscSupport try_kind(Socket& socket, const std::string& kind) {
  QdiscSupport s{kind, false, {}};
  Batch batch;
  if (kind != "netem" && kind != "tbf")
    throw nswire::Error("check qdisc support: nswire does not use qdisc kind \"" + kind + "\"");
  replace_root_qdisc(batch, kLoopbackIndex, "lo", trial_impairment(kind));
  auto outcome = socket.send(batch).front();
  if (outcome.error == 0) {
    s.available = true;
    return s;
  }
  // qdisc_create(): -ENOENT with "Specified qdisc kind is unknown" when no module provides it.
  if (outcome.error == ENOENT)
    s.problem = "the kernel has no " + kind + " qdisc (module " + qdisc_module(kind) +
                " is not loaded and could not be loaded: modprobe " + qdisc_module(kind) +
                ", or use a kernel built with CONFIG_NET_SCH_" + upper(kind) + ")";
  else
    s.problem = describe_failure(batch.entries().front(), outcome);
  return s;
}

}  // namespace

std::string qdisc_module(const std::string& kind) { return "sch_" + kind; }

std::vector<QdiscSupport> check_qdisc_support(const std::vector<std::string>& kinds) {
  std::vector<QdiscSupport> out;
  detail::in_throwaway_namespace("check qdisc support", [&](Socket& socket) {
    for (const auto& kind : kinds) out.push_back(try_kind(socket, kind));
  });
  return out;
}

}  // namespace nswire::netlink
