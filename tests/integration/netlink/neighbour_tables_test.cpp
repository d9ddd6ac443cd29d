// The machine-wide neighbour tables read over RTM_GETNEIGHTBL from inside the sandbox (where
// /proc/sys/net/ipv4/neigh/default and /proc/net/stat/arp_cache do not exist: they are the init
// namespace's), checked against `ip -s -j ntable`, and fed to the hint logic. gc_thresh3 cannot be
// lowered from here (the kernel refuses threshold changes outside the init namespace, checked
// below), so the hints' thresholds are tested as pure functions (reconcile_hints_unit) and here
// with the real figures.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>

#include "nswire/netlink/neighbour_tables.h"
#include "nswire/reconcile/hints.h"
#include "oracle.h"

using nswire::netlink::NeighbourTable;
using nswire::test::run;
using nswire::test::run_json;

namespace {

std::vector<NeighbourTable> ours() {
  auto socket = nswire::netlink::Socket::open();
  return nswire::netlink::dump_neighbour_tables(socket);
}

// `ip -s -j ntable show name NAME`: the table's own entry (the others are per device).
nlohmann::json ip_table(const std::string& name) {
  for (const auto& t : run_json({"ip", "-s", "-j", "ntable", "show", "name", name}))
    if (!t.contains("dev")) return t;
  return {};
}

}  // namespace

TEST(NeighbourTables, MatchWhatIpSeesAndCountOurEntries) {
  // 40 permanent IPv4 and IPv6 neighbours on a veth of the sandbox: the table (shared with the
  // whole machine) holds at least those while they exist, whatever else the machine does.
  ASSERT_EQ(run({"ip", "link", "add", "nt0", "type", "veth", "peer", "name", "nt1"}).exit_code, 0);
  ASSERT_EQ(run({"ip", "link", "set", "nt0", "up"}).exit_code, 0);
  for (int i = 1; i <= 40; ++i) {
    char mac[18];
    std::snprintf(mac, sizeof mac, "02:00:00:00:01:%02x", i);
    ASSERT_EQ(run({"ip", "neigh", "add", "10.77.0." + std::to_string(i), "lladdr", mac, "dev", "nt0", "nud", "permanent"}).exit_code, 0);
    ASSERT_EQ(run({"ip", "neigh", "add", "fd77::" + std::to_string(i), "lladdr", mac, "dev", "nt0", "nud", "permanent"}).exit_code, 0);
  }
  auto before = ours();
  auto arp = ip_table("arp_cache"), ndisc = ip_table("ndisc_cache");
  auto after = ours();
  ASSERT_EQ(before.size(), 2u);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(before[0].family, AF_INET);
  EXPECT_EQ(before[1].family, AF_INET6);
  EXPECT_EQ(before[0].gc_thresh3, arp["thresh3"].get<std::uint32_t>());
  EXPECT_EQ(before[1].gc_thresh3, ndisc["thresh3"].get<std::uint32_t>());
  for (int k = 0; k < 2; ++k) {
    EXPECT_GE(before[k].entries, 40u);
    EXPECT_GE(after[k].entries, 40u);
    // The machine may be busy: ip's count lies between our two readings, give or take churn.
    auto theirs = (k == 0 ? arp : ndisc)["entries"].get<std::uint32_t>();
    EXPECT_LE(theirs, std::max(before[k].entries, after[k].entries) + 64) << k;
    EXPECT_GE(theirs + 64, std::min(before[k].entries, after[k].entries)) << k;
  }
  // The real figures in the hint logic: a lab needing more than the real limit is told the real
  // limit and its sysctl.
  nswire::reconcile::NeighbourNeed need{.ipv4 = before[0].gc_thresh3 + 1, .ipv6 = 0, .largest_segment = 99};
  auto hints = nswire::reconcile::neighbour_hints(before, need);
  ASSERT_FALSE(hints.empty());
  EXPECT_NE(hints.back().find("more than the " + std::to_string(before[0].gc_thresh3) +
                              " that net.ipv4.neigh.default.gc_thresh3 allows"),
            std::string::npos)
      << hints.back();
  run({"ip", "link", "del", "nt0"});
}

TEST(NeighbourTables, TheLimitCannotBeChangedFromALabNamespace) {
  // Why the integration test cannot lower gc_thresh3: outside the init namespace the kernel
  // refuses threshold changes (even to the value it has), and the sysctl is not there at all.
  auto now = ours();
  ASSERT_FALSE(now.empty());
  auto r = run({"ip", "ntable", "change", "name", "arp_cache", "thresh3", std::to_string(now[0].gc_thresh3)});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(run({"cat", "/proc/sys/net/ipv4/neigh/default/gc_thresh3"}).exit_code, 0);
}
