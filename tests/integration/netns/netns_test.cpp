// Named namespaces against the real kernel and iproute2 (inside the test sandbox).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <thread>

#include "nswire/error.h"
#include "nswire/netns/namespace.h"
#include "nswire/netlink/links.h"
#include "nswire/netns/sysctl.h"
#include "oracle.h"

namespace netns = nswire::netns;
using nswire::test::netns_list;
using nswire::test::run;

namespace {
bool listed(const std::string& name) {
  auto names = netns_list();
  return std::find(names.begin(), names.end(), name) != names.end();
}
}  // namespace

TEST(Namespace, CreatedNamespaceIsSeenByIpNetnsAndRemoved) {
  auto ns = netns::Namespace::create("nsw-a");
  EXPECT_TRUE(listed("nsw-a"));
  EXPECT_TRUE(netns::exists("nsw-a"));
  EXPECT_EQ(netns::list(), std::vector<std::string>{"nsw-a"});
  // ip netns exec works in it, and it is a different namespace from ours.
  EXPECT_EQ(run({"ip", "netns", "exec", "nsw-a", "true"}).exit_code, 0);
  EXPECT_FALSE(ns.same_as(netns::Namespace::current()));
  netns::remove("nsw-a");
  EXPECT_FALSE(listed("nsw-a"));
}

TEST(Namespace, NamespacesMadeByIproute2AreOpenedByName) {
  ASSERT_EQ(run({"ip", "netns", "add", "nsw-ip"}).exit_code, 0);
  auto ns = netns::Namespace::open_named("nsw-ip");
  EXPECT_EQ(ns.name(), "nsw-ip");
  EXPECT_TRUE(ns.same_as(netns::Namespace::open_path("/run/netns/nsw-ip")));
  netns::remove("nsw-ip");
  EXPECT_FALSE(listed("nsw-ip"));
}

TEST(Namespace, OpenedByPidIsTheProcesssNamespace) {
  auto ns = netns::Namespace::create("nsw-pid");
  pid_t child = fork();
  if (child == 0) {
    execlp("ip", "ip", "netns", "exec", "nsw-pid", "sleep", "30", nullptr);
    _exit(127);
  }
  // Wait until the child has entered the namespace (the event, not a fixed sleep).
  bool entered = false;
  for (int i = 0; i < 400 && !entered; ++i) {
    try {
      entered = netns::Namespace::of_pid(child).same_as(ns);
    } catch (const nswire::Error&) {
    }
    if (!entered) usleep(5000);
  }
  EXPECT_TRUE(entered);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  netns::remove("nsw-pid");
}

TEST(Namespace, RunInLeavesTheCallersThreadWhereItWas) {
  auto ns = netns::Namespace::create("nsw-run");
  auto before = netns::Namespace::current();
  bool inside = false;
  netns::run_in(ns, [&] { inside = netns::Namespace::current().same_as(ns); });
  EXPECT_TRUE(inside);
  EXPECT_TRUE(netns::Namespace::current().same_as(before));
  // An exception inside reaches the caller, and the thread is still home.
  EXPECT_THROW(netns::run_in(ns, [] { throw nswire::Error("boom"); }), nswire::Error);
  EXPECT_TRUE(netns::Namespace::current().same_as(before));
  netns::remove("nsw-run");
}

TEST(Namespace, NestedRunInReturnsStepByStep) {
  auto a = netns::Namespace::create("nsw-outer");
  auto b = netns::Namespace::create("nsw-inner");
  auto home = netns::Namespace::current();
  bool in_b = false, back_in_a = false;
  netns::run_in(a, [&] {
    netns::run_in(b, [&] { in_b = netns::Namespace::current().same_as(b); });
    back_in_a = netns::Namespace::current().same_as(a);
    // A throw two levels down unwinds through both and still lands in a, then home.
    EXPECT_THROW(netns::run_in(b, [] { throw nswire::Error("deep"); }), nswire::Error);
    EXPECT_TRUE(netns::Namespace::current().same_as(a));
  });
  EXPECT_TRUE(in_b);
  EXPECT_TRUE(back_in_a);
  EXPECT_TRUE(netns::Namespace::current().same_as(home));
  netns::remove("nsw-outer");
  netns::remove("nsw-inner");
}

TEST(Namespace, RunInNewMakesAFreshNamespaceAndComesBack) {
  auto home = netns::Namespace::current();
  std::optional<netns::Namespace> made;
  netns::run_in_new([&] { made = netns::Namespace::current(); });
  ASSERT_TRUE(made);
  EXPECT_FALSE(made->same_as(home));
  EXPECT_TRUE(netns::Namespace::current().same_as(home));
  // Only lo lives in a fresh namespace.
  std::vector<std::string> names;
  netns::run_in(*made, [&] {
    auto s = nswire::netlink::Socket::open();
    for (const auto& l : nswire::netlink::dump_links(s)) names.push_back(l.name);
  });
  EXPECT_EQ(names, std::vector<std::string>{"lo"});
}

TEST(Namespace, TwoThreadsCreateAndEnterNamespacesAtOnce) {
  auto home = netns::Namespace::current();
  std::vector<std::optional<netns::Namespace>> made(40);
  auto work = [&](size_t first) {
    for (size_t i = first; i < made.size(); i += 2) {
      made[i] = netns::Namespace::create("nsw-par" + std::to_string(i));
      netns::run_in(*made[i], [&] { EXPECT_TRUE(netns::Namespace::current().same_as(*made[i])); });
      EXPECT_TRUE(netns::Namespace::current().same_as(home));
    }
  };
  std::thread other(work, 1);
  work(0);
  other.join();
  EXPECT_EQ(netns::list().size(), made.size());
  for (size_t i = 0; i < made.size(); ++i)
    for (size_t j = i + 1; j < made.size(); ++j) EXPECT_FALSE(made[i]->same_as(*made[j]));
  for (size_t i = 0; i < made.size(); ++i) netns::remove("nsw-par" + std::to_string(i));
  EXPECT_TRUE(netns::list().empty());
}

TEST(Namespace, BadNamesAndMissingNamespacesChangeNothing) {
  auto before = netns_list();
  for (std::string bad : {"", "a/b", "has space", "..", "x..y"}) {
    EXPECT_THROW(netns::Namespace::create(bad), nswire::Error) << bad;
  }
  try {
    netns::Namespace::open_named("nsw-missing");
    ADD_FAILURE();
  } catch (const nswire::Error& e) {
    EXPECT_STREQ(e.what(), "network namespace \"nsw-missing\" does not exist");
  }
  EXPECT_THROW(netns::remove("nsw-missing"), nswire::Error);
  EXPECT_THROW(netns::Namespace::open_path("/etc/hostname"), nswire::Error);
  EXPECT_EQ(netns_list(), before);
}

TEST(Namespace, CreatingAnExistingNameFailsAndKeepsTheOriginal) {
  auto ns = netns::Namespace::create("nsw-dup");
  try {
    netns::Namespace::create("nsw-dup");
    ADD_FAILURE();
  } catch (const nswire::Error& e) {
    EXPECT_STREQ(e.what(), "create network namespace \"nsw-dup\": it already exists");
  }
  EXPECT_TRUE(netns::Namespace::open_named("nsw-dup").same_as(ns));
  netns::remove("nsw-dup");
}

TEST(Namespace, ExecSeesTheNamespacesResolvConfAndDevices) {
  auto ns = netns::Namespace::create("nsw-exec");
  netns::write_resolv_conf("nsw-exec", {"10.0.2.1", "fd00::1"}, {"lab.test"});
  EXPECT_EQ(netns::exec("nsw-exec", {"grep", "-qx", "nameserver 10.0.2.1", "/etc/resolv.conf"}), 0);
  EXPECT_EQ(netns::exec("nsw-exec", {"grep", "-qx", "search lab.test", "/etc/resolv.conf"}), 0);
  // iproute2 sees the same file through its own bind mount.
  EXPECT_EQ(run({"ip", "netns", "exec", "nsw-exec", "grep", "-qx", "nameserver fd00::1", "/etc/resolv.conf"}).exit_code, 0);
  // /sys is remounted for the namespace: only lo is there.
  EXPECT_EQ(netns::exec("nsw-exec", {"test", "-e", "/sys/class/net/lo"}), 0);
  EXPECT_NE(netns::exec("nsw-exec", {"test", "-e", "/sys/class/net/eth0"}), 0);
  EXPECT_EQ(netns::exec("nsw-exec", {"sh", "-c", "exit 7"}), 7);
  EXPECT_EQ(netns::exec("nsw-exec", {"nswire-no-such-command"}), 127);
  netns::remove_etc("nsw-exec");
  EXPECT_NE(access("/etc/netns/nsw-exec", F_OK), 0);
  netns::remove("nsw-exec");
}

TEST(Namespace, SysctlsArePerNamespace) {
  auto ns = netns::Namespace::create("nsw-sysctl");
  auto here = netns::Namespace::current();
  std::string before = netns::get_sysctl(here, "net.ipv4.ip_forward");
  netns::set_sysctl(ns, "net.ipv4.ip_forward", "1");
  EXPECT_EQ(run({"ip", "netns", "exec", "nsw-sysctl", "cat", "/proc/sys/net/ipv4/ip_forward"}).out, "1\n");
  EXPECT_EQ(netns::get_sysctl(here, "net.ipv4.ip_forward"), before);
  EXPECT_THROW(netns::set_sysctl(ns, "kernel.hostname", "x"), nswire::Error);
  EXPECT_THROW(netns::set_sysctl(ns, "net.ipv4..x", "1"), nswire::Error);
  netns::remove("nsw-sysctl");
}
