// veth pairs, addresses and routes through nswire's netlink layer, checked with `ip -j` and real
// pings: seed 002's netns1 experiment and seed 001's network01/network02 pair.
#include <gtest/gtest.h>
#include <linux/rtnetlink.h>

#include "nswire/netlink/addresses.h"
#include "nswire/netlink/links.h"
#include "nswire/netlink/routes.h"
#include "nswire/netns/namespace.h"
#include "nswire/netns/sysctl.h"
#include "oracle.h"

namespace netns = nswire::netns;
using namespace nswire::netlink;
using nswire::test::ip_addresses;
using nswire::test::ip_link;
using nswire::test::ping;

namespace {

int index_of(Socket& s, const std::string& name) {
  auto l = find_link(s, name);
  if (!l) throw std::runtime_error("no link " + name);
  return l->index;
}

}  // namespace

// Seed 002: ip netns add netns1; ip link add veth0 type veth peer name veth1; veth1 into netns1;
// 10.1.1.1/24 and 10.1.1.2/24; ping both ways; then veth1 back to the initial namespace.
TEST(Veth, Seed002HostToNamespaceAndBack) {
  auto ns = netns::Namespace::create("netns1");
  auto host = Socket::open();
  auto inside = netns::open_netlink(ns);

  Batch create;
  add_veth(create, {.name = "veth0", .peer_name = "veth1", .peer_netns_fd = ns.fd(), .up = true});
  host.execute(create);
  ASSERT_TRUE(ip_link("netns1", "veth1")) << "peer was created directly in netns1";
  EXPECT_FALSE(ip_link("", "veth1"));

  Batch host_side;
  add_address(host_side, index_of(host, "veth0"), "veth0", IpPrefix::from("10.1.1.1/24"));
  host.execute(host_side);
  Batch ns_side;
  int veth1 = index_of(inside, "veth1");
  change_link(ns_side, {.name = "lo", .up = true});
  change_link(ns_side, {.index = veth1, .up = true});
  add_address(ns_side, veth1, "veth1", IpPrefix::from("10.1.1.2/24"));
  inside.execute(ns_side);

  EXPECT_EQ(ip_addresses("", "veth0"), std::vector<std::string>{"10.1.1.1/24"});
  EXPECT_EQ(ip_addresses("netns1", "veth1"), std::vector<std::string>{"10.1.1.2/24"});
  EXPECT_EQ((*ip_link("netns1", "veth1"))["operstate"], "UP");
  EXPECT_TRUE(ping("", "10.1.1.2"));
  EXPECT_TRUE(ping("netns1", "10.1.1.1"));

  // Move veth1 back: `ip netns exec netns1 ip link set veth1 netns 1` (here: our namespace's fd).
  auto here = netns::Namespace::current();
  Batch back;
  change_link(back, {.index = veth1, .netns_fd = here.fd()});
  inside.execute(back);
  EXPECT_TRUE(ip_link("", "veth1"));
  EXPECT_FALSE(ip_link("netns1", "veth1"));

  Batch cleanup;
  delete_link(cleanup, "veth0");
  host.execute(cleanup);
  EXPECT_FALSE(ip_link("", "veth1")) << "deleting one end takes the peer";
  netns::remove("netns1");
}

// Seed 001: two namespaces joined directly by a veth pair, with IPv6 alongside (no DAD wait).
TEST(Veth, Seed001TwoNamespacesJoinedDirectly) {
  auto n1 = netns::Namespace::create("network01");
  auto n2 = netns::Namespace::create("network02");
  auto s1 = netns::open_netlink(n1);
  auto s2 = netns::open_netlink(n2);
  Batch create;
  add_veth(create, {.name = "veth01", .peer_name = "veth02", .peer_netns_fd = n2.fd(), .mtu = 1400, .up = true});
  s1.execute(create);

  Batch b1, b2;
  int v1 = index_of(s1, "veth01"), v2 = index_of(s2, "veth02");
  change_link(b1, {.name = "lo", .up = true});
  add_address(b1, v1, "veth01", IpPrefix::from("192.168.1.1/24"));
  add_address(b1, v1, "veth01", IpPrefix::from("fd00:1::1/64"));
  change_link(b2, {.name = "lo", .up = true});
  change_link(b2, {.index = v2, .up = true, .mac = parse_mac("02:00:00:00:01:02")});
  add_address(b2, v2, "veth02", IpPrefix::from("192.168.1.2/24"));
  add_address(b2, v2, "veth02", IpPrefix::from("fd00:1::2/64"));
  s1.execute(b1);
  s2.execute(b2);

  auto l2 = *ip_link("network02", "veth02");
  EXPECT_EQ(l2["mtu"], 1400);
  EXPECT_EQ(l2["address"], "02:00:00:00:01:02");
  EXPECT_TRUE(ping("network01", "192.168.1.2"));
  EXPECT_TRUE(ping("network02", "192.168.1.1"));
  EXPECT_TRUE(ping("network01", "fd00:1::2"));

  // The dumps see what ip sees.
  auto addrs = dump_addresses(s2);
  int found = 0;
  for (const auto& a : addrs)
    if (a.index == v2 && (a.prefix.to_string() == "192.168.1.2/24" || a.prefix.to_string() == "fd00:1::2/64")) ++found;
  EXPECT_EQ(found, 2);
  auto link = *find_link(s2, "veth02");
  EXPECT_EQ(link.kind, "veth");
  EXPECT_EQ(link.mtu, 1400u);
  EXPECT_TRUE(link.up);
  EXPECT_GE(link.peer_netnsid, 0) << "peer lives in another namespace";

  // Rename (down first: older kernels refuse renaming an up link). IPv6 addresses go with the
  // down (the kernel's addr_gen rules); IPv4 ones stay.
  Batch rename;
  change_link(rename, {.index = v2, .up = false});
  change_link(rename, {.index = v2, .new_name = "veth02b"});
  change_link(rename, {.index = v2, .up = true});
  s2.execute(rename);
  EXPECT_FALSE(ip_link("network02", "veth02"));
  EXPECT_EQ(ip_addresses("network02", "veth02b").at(0), "192.168.1.2/24");
  EXPECT_TRUE(ping("network01", "192.168.1.2"));

  netns::remove("network01");
  netns::remove("network02");
}

TEST(Routes, DefaultRouteViaGatewayAndDump) {
  auto ns = netns::Namespace::create("nsw-route");
  auto host = Socket::open();
  auto inside = netns::open_netlink(ns);
  Batch create;
  add_veth(create, {.name = "rt-host", .peer_name = "eth0", .peer_netns_fd = ns.fd(), .up = true});
  host.execute(create);
  Batch h;
  add_address(h, index_of(host, "rt-host"), "rt-host", IpPrefix::from("10.7.0.1/24"));
  add_address(h, index_of(host, "rt-host"), "rt-host", IpPrefix::from("fd07::1/64"));
  host.execute(h);
  Batch b;
  int eth0 = index_of(inside, "eth0");
  change_link(b, {.index = eth0, .up = true});
  add_address(b, eth0, "eth0", IpPrefix::from("10.7.0.2/24"));
  add_address(b, eth0, "eth0", IpPrefix::from("fd07::2/64"));
  add_route(b, {.destination = IpPrefix::from("0.0.0.0/0"), .gateway = IpPrefix::from("10.7.0.1")});
  add_route(b, {.destination = IpPrefix::from("::/0"), .gateway = IpPrefix::from("fd07::1")});
  inside.execute(b);

  auto routes = nswire::test::ip_json("nsw-route", {"route", "show", "default"});
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0]["gateway"], "10.7.0.1");
  auto routes6 = nswire::test::ip_json("nsw-route", {"-6", "route", "show", "default"});
  ASSERT_EQ(routes6.size(), 1u);
  EXPECT_EQ(routes6[0]["gateway"], "fd07::1");
  int defaults = 0;
  for (const auto& r : dump_routes(inside))
    if (r.destination.length == 0 && r.gateway) ++defaults;
  EXPECT_EQ(defaults, 2);
  // A host address outside the namespace's subnets is reached through the default route.
  Batch extra;
  add_address(extra, index_of(host, "rt-host"), "rt-host", IpPrefix::from("10.8.0.1/32"));
  host.execute(extra);
  EXPECT_TRUE(ping("nsw-route", "10.8.0.1"));

  Batch del;
  delete_route(del, {.destination = IpPrefix::from("0.0.0.0/0"), .gateway = IpPrefix::from("10.7.0.1")});
  inside.execute(del);
  EXPECT_TRUE(nswire::test::ip_json("nsw-route", {"route", "show", "default"}).empty());
  Batch cleanup;
  delete_link(cleanup, "rt-host");
  host.execute(cleanup);
  netns::remove("nsw-route");
}

TEST(Errors, FirstFailureOfABatchIsNamedWithTheKernelsMessage) {
  auto host = Socket::open();
  Batch b;
  add_veth(b, {.name = "dup0", .peer_name = "dup1"});
  add_veth(b, {.name = "dup0", .peer_name = "dup2"});  // exists: EEXIST
  add_veth(b, {.name = "ok0", .peer_name = "ok1"});
  try {
    host.execute(b);
    ADD_FAILURE();
  } catch (const nswire::netlink::Error& e) {
    EXPECT_EQ(e.index, 1u);
    EXPECT_EQ(e.error, EEXIST);
    EXPECT_EQ(std::string(e.what()).rfind("create veth pair dup0 <-> dup2: File exists", 0), 0u) << e.what();
  }
  // The kernel ran the others: outcomes tell exactly which.
  EXPECT_TRUE(ip_link("", "ok0"));
  Batch again;
  add_veth(again, {.name = "x0", .peer_name = "x1"});
  change_link(again, {.name = "x0", .mtu = 10});  // below the minimum MTU: the kernel says why
  auto outcomes = host.send(again);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].error, 0);
  EXPECT_EQ(outcomes[1].error, EINVAL);
  EXPECT_FALSE(outcomes[1].extack.empty()) << "extended ack carries the kernel's reason";
  std::string message = describe_failure(again.entries()[1], outcomes[1]);
  EXPECT_NE(message.find("(kernel: "), std::string::npos) << message;

  Batch cleanup;
  for (auto n : {"dup0", "ok0", "x0"}) delete_link(cleanup, n);
  host.execute(cleanup);
  EXPECT_FALSE(ip_link("", "dup0"));
}

TEST(Batching, HundredsOfRequestsInOneCall) {
  auto host = Socket::open();
  Batch b;
  for (int i = 0; i < 120; ++i) add_veth(b, {.name = "b" + std::to_string(i), .peer_name = "p" + std::to_string(i)});
  host.execute(b);
  EXPECT_EQ(dump_links(host).size(), 1u + 240u);
  Batch d;
  for (int i = 0; i < 120; ++i) delete_link(d, "b" + std::to_string(i));
  host.execute(d);
  EXPECT_EQ(dump_links(host).size(), 1u);
}
