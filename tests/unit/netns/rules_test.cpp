// The netns layer's rules, shared with the validator and the planner: namespace names, sysctl keys
// in both of sysctl(8)'s spellings and the file each names, and the resolv.conf nswire writes.
#include "nswire/netns/rules.h"
#include "nswire/netns/attach_target.h"

#include <gtest/gtest.h>

#include "nswire/error.h"

using namespace nswire::netns;

TEST(SysctlPath, BothSpellingsNameTheSameFile) {
  EXPECT_EQ(sysctl_path("net.ipv4.ip_forward"), "/proc/sys/net/ipv4/ip_forward");
  EXPECT_EQ(sysctl_path("net/ipv4/ip_forward"), "/proc/sys/net/ipv4/ip_forward");
  // A VLAN subinterface's name has a dot: as written in the slash form, '/' for it in the dot form.
  EXPECT_EQ(sysctl_path("net/ipv4/conf/eth0.10/forwarding"), "/proc/sys/net/ipv4/conf/eth0.10/forwarding");
  EXPECT_EQ(sysctl_path("net.ipv4.conf.eth0/10.forwarding"), "/proc/sys/net/ipv4/conf/eth0.10/forwarding");
  EXPECT_EQ(sysctl_path("net.ipv6.conf.all.disable_ipv6"), "/proc/sys/net/ipv6/conf/all/disable_ipv6");
}

TEST(SysctlPath, KeysOutsideTheNamespaceOrThePathAreRefused) {
  for (const char* bad : {"kernel.hostname", "vm/swappiness", "net.", "net/", "net..ipv4", "net/ipv4//x", "net/../etc",
                          "net.ipv4.conf.*.x", "net/ipv4/ conf", "netipv4"}) {
    EXPECT_NE(sysctl_key_problem(bad), "") << bad;
    EXPECT_THROW(sysctl_path(bad), nswire::Error) << bad;
  }
  EXPECT_EQ(sysctl_key_problem("net.core.somaxconn"), "");
  EXPECT_EQ(sysctl_key_problem("kernel.hostname"), "is not per network namespace (only net.* sysctls are)");
}

TEST(NamespaceNames, FollowIproute2) {
  EXPECT_EQ(namespace_name_problem("blue"), "");
  EXPECT_EQ(namespace_name_problem("."), "is reserved");
  EXPECT_EQ(namespace_name_problem(".."), "contains \"..\"");
  EXPECT_EQ(namespace_name_problem("a/b"), "contains '/'");
  EXPECT_EQ(namespace_name_problem(std::string(256, 'a')), "exceeds 255 bytes");
}

TEST(ResolvConf, TextCarriesTheMarkerAndOnlyThatIsOurs) {
  auto text = resolv_conf_text({"10.0.2.1", "fd00::1"}, {"lab.test"});
  EXPECT_EQ(text, "# written by nswire\nsearch lab.test\nnameserver 10.0.2.1\nnameserver fd00::1\n");
  EXPECT_TRUE(written_by_nswire(text));
  EXPECT_FALSE(written_by_nswire("nameserver 1.1.1.1\n# written by nswire\n"));
  EXPECT_EQ(resolv_conf_path("blue"), "/etc/netns/blue/resolv.conf");
}

TEST(AttachTarget, OnlyAnotherNetworkNamespaceCanBeAttached) {
  EXPECT_EQ(attach_target_problem({}), "");  // missing: the validator says so itself
  EXPECT_EQ(attach_target_problem({.exists = true, .nsfs = true, .ns_type = "network"}), "");
  EXPECT_EQ(attach_target_problem({.exists = true, .nsfs = true}), "");  // type unknown (not readable): nsfs is enough
  EXPECT_EQ(attach_target_problem({.exists = true, .error = "Permission denied"}),
            "cannot be inspected (Permission denied), so nswire could not join it either");
  EXPECT_EQ(attach_target_problem({.exists = true, .kind = "a regular file"}).rfind("is a regular file, not a network namespace (", 0), 0u);
  EXPECT_EQ(attach_target_problem({.exists = true, .nsfs = true, .ns_type = "mount"}).rfind("is a mount namespace, not a network namespace", 0), 0u);
  auto own = attach_target_problem({.exists = true, .nsfs = true, .ns_type = "network", .is_own = true});
  EXPECT_EQ(own.rfind("is the network namespace nswire runs in: ", 0), 0u) << own;
  EXPECT_NE(own.find("`host:` endpoints"), std::string::npos);
  auto init = attach_target_problem({.exists = true, .nsfs = true, .ns_type = "network", .is_init = true});
  EXPECT_EQ(init.rfind("is the machine's init network namespace: ", 0), 0u) << init;
  auto both = attach_target_problem({.exists = true, .nsfs = true, .ns_type = "network", .is_own = true, .is_init = true});
  EXPECT_EQ(both.rfind("is the network namespace nswire runs in, the machine's init namespace: ", 0), 0u) << both;
}
