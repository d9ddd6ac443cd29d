// VXLAN create requests, checked against linux/if_link.h's layout (what ip/iplink_vxlan.c
// sends), parsed back into the same value type, and the config checks that run before any send.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <cstring>
#include <map>
#include <string>

#include "nswire/error.h"
#include "nswire/netlink/vxlan.h"
#include "../../../src/netlink/attr.h"

using namespace nswire::netlink;

namespace {

const nlmsghdr* first(const Batch& b) { return reinterpret_cast<const nlmsghdr*>(b.buffer().data()); }

// The attributes under IFLA_LINKINFO > IFLA_INFO_DATA of the first request, by type, as raw bytes.
std::map<uint16_t, std::string> info_data(const Batch& b) {
  std::map<uint16_t, std::string> out;
  nswire::netlink::detail::for_each_attr(first(b), sizeof(ifinfomsg), [&](const nlattr* attr) {
    if (mnl_attr_get_type(attr) != IFLA_LINKINFO) return;
    nswire::netlink::detail::for_each_nested(attr, [&](const nlattr* info) {
      if (mnl_attr_get_type(info) == IFLA_INFO_KIND) out[0xffff] = mnl_attr_get_str(info);
      if (mnl_attr_get_type(info) != IFLA_INFO_DATA) return;
      nswire::netlink::detail::for_each_nested(info, [&](const nlattr* d) {
        out[mnl_attr_get_type(d)] =
            std::string(static_cast<const char*>(mnl_attr_get_payload(d)), mnl_attr_get_payload_len(d));
      });
    });
  });
  return out;
}

VxlanSpec unicast() {
  return {.name = "vx-h2",
          .config = {.vni = 4242, .local = "192.168.100.11", .remote = "192.168.100.12"},
          .mtu = 1450,
          .alias = "nswire:lab1",
          .master = 7};
}

}  // namespace

TEST(Vxlan, UnicastRequestCarriesVniPeerLocalPortAndLearningOff) {
  Batch b;
  add_vxlan(b, unicast());
  ASSERT_EQ(b.size(), 2u);  // create, then mark
  EXPECT_EQ(first(b)->nlmsg_type, RTM_NEWLINK);
  EXPECT_EQ(first(b)->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  EXPECT_EQ(first(b)->nlmsg_len, b.entries()[1].offset);
  auto d = info_data(b);
  EXPECT_EQ(d[0xffff], "vxlan");
  uint32_t vni = 0;
  std::memcpy(&vni, d[IFLA_VXLAN_ID].data(), 4);
  EXPECT_EQ(vni, 4242u);
  // remote is IFLA_VXLAN_GROUP with a unicast address, 4 raw bytes.
  ASSERT_EQ(d[IFLA_VXLAN_GROUP].size(), 4u);
  EXPECT_EQ(d[IFLA_VXLAN_GROUP], std::string("\xc0\xa8\x64\x0c", 4));
  EXPECT_EQ(d[IFLA_VXLAN_LOCAL], std::string("\xc0\xa8\x64\x0b", 4));
  // The destination port goes in network byte order: 4789 = 0x12b5.
  EXPECT_EQ(d[IFLA_VXLAN_PORT], std::string("\x12\xb5", 2));
  EXPECT_EQ(d[IFLA_VXLAN_LEARNING], std::string("\0", 1));
  EXPECT_FALSE(d.count(IFLA_VXLAN_LINK));
  EXPECT_FALSE(d.count(IFLA_VXLAN_TTL));
}

TEST(Vxlan, RequestParsesBackIntoTheSameValue) {
  Batch b;
  auto spec = unicast();
  add_vxlan(b, spec);
  auto parsed = parse_vxlan(first(b));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->name, "vx-h2");
  EXPECT_EQ(parsed->config, spec.config);
  EXPECT_EQ(parsed->mtu, 1450u);
  EXPECT_EQ(parsed->master, 7);
}

TEST(Vxlan, TheMarkIsASecondRequestByNameBecauseCreatesIgnoreTheAlias) {
  Batch b;
  add_vxlan(b, unicast());
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b.entries()[1].object, "vx-h2");
  auto* mark = reinterpret_cast<const nlmsghdr*>(b.buffer().data() + b.entries()[1].offset);
  EXPECT_EQ(mark->nlmsg_type, RTM_NEWLINK);
  EXPECT_EQ(mark->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL), 0);
  std::string name, alias;
  nswire::netlink::detail::for_each_attr(mark, sizeof(ifinfomsg), [&](const nlattr* a) {
    if (mnl_attr_get_type(a) == IFLA_IFNAME) name = mnl_attr_get_str(a);
    if (mnl_attr_get_type(a) == IFLA_IFALIAS) alias = mnl_attr_get_str(a);
  });
  EXPECT_EQ(name, "vx-h2");
  EXPECT_EQ(alias, "nswire:lab1");
  Batch unmarked;
  add_vxlan(unmarked, {.name = "vx0", .config = {.vni = 1}});
  EXPECT_EQ(unmarked.size(), 1u);
}

TEST(Vxlan, MulticastGroupAndIpv6GoInTheirOwnAttributes) {
  Batch b;
  add_vxlan(b, {.name = "vx0", .config = {.vni = 10, .group = "239.1.1.1", .link = 3, .port = 8472, .ttl = 16}});
  auto d = info_data(b);
  EXPECT_EQ(d[IFLA_VXLAN_GROUP], std::string("\xef\x01\x01\x01", 4));
  EXPECT_EQ(d[IFLA_VXLAN_LINK], std::string("\x03\0\0\0", 4));
  EXPECT_EQ(d[IFLA_VXLAN_PORT], std::string("\x21\x18", 2));
  EXPECT_EQ(d[IFLA_VXLAN_TTL], std::string("\x10", 1));
  auto parsed = parse_vxlan(first(b));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->config.group, "239.1.1.1");
  EXPECT_EQ(parsed->config.remote, "");

  Batch v6;
  add_vxlan(v6, {.name = "vx6", .config = {.vni = 11, .local = "fd00::1", .remote = "fd00::2"}});
  auto d6 = info_data(v6);
  EXPECT_EQ(d6[IFLA_VXLAN_GROUP6].size(), 16u);
  EXPECT_EQ(d6[IFLA_VXLAN_LOCAL6].size(), 16u);
  EXPECT_FALSE(d6.count(IFLA_VXLAN_GROUP));
  EXPECT_EQ(parse_vxlan(reinterpret_cast<const nlmsghdr*>(v6.buffer().data()))->config.remote, "fd00::2");
}

TEST(Vxlan, BadConfigsAreRefusedBeforeAnythingIsAppended) {
  auto refused = [](VxlanConfig c, const std::string& why) {
    Batch b;
    try {
      add_vxlan(b, {.name = "vx0", .config = c});
      ADD_FAILURE() << "accepted: " << why;
    } catch (const nswire::Error& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("vx0"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(b.empty());
  };
  refused({.vni = 1u << 24}, "exceeds 24 bits");
  refused({.vni = 1, .remote = "192.168.1.300"}, "remote");
  refused({.vni = 1, .remote = "239.1.1.1"}, "is a multicast address");
  refused({.vni = 1, .group = "10.0.0.1", .link = 2}, "is not a multicast address");
  refused({.vni = 1, .group = "239.1.1.1"}, "needs the underlay device");
  refused({.vni = 1, .remote = "10.0.0.2", .group = "239.1.1.1", .link = 2}, "both remote");
  refused({.vni = 1, .local = "10.0.0.1", .remote = "fd00::2"}, "different address families");
  refused({.vni = 1, .port = 0}, "UDP port 0");
  Batch b;
  EXPECT_THROW(add_vxlan(b, {.name = "a-name-too-long-for-linux", .config = {.vni = 1}}), nswire::Error);
}

TEST(Vxlan, MtuLeavesRoomForTheEncapsulation) {
  EXPECT_EQ(vxlan_mtu(1500), 1450u);
  EXPECT_EQ(vxlan_mtu(1500, AF_INET6), 1430u);
  EXPECT_EQ(vxlan_mtu(9000), 8950u);
  EXPECT_THROW(vxlan_mtu(100), nswire::Error);
}

TEST(Vxlan, OtherLinksAreNotVxlan) {
  Batch b;
  auto m = b.add<ifinfomsg>(RTM_NEWLINK, 0, "x", "y");
  m.put_str(IFLA_IFNAME, "br0");
  {
    auto li = m.nest(IFLA_LINKINFO);
    m.put_str(IFLA_INFO_KIND, "bridge");
  }
  EXPECT_FALSE(parse_vxlan(first(b)));
}

TEST(VxlanRemotes, FloodEntryIsAnAppendedAllZerosFdbEntryOfTheDeviceItself) {
  Batch b;
  add_vxlan_remote(b, 9, "vx0", "192.168.100.12");
  add_vxlan_remote(b, 9, "vx0", "fd00::2");
  delete_vxlan_remote(b, 9, "vx0", "192.168.100.13");
  ASSERT_EQ(b.size(), 3u);
  auto check = [&](size_t i, uint16_t type, uint16_t flags, const std::string& dst) {
    auto* nlh = reinterpret_cast<const nlmsghdr*>(b.buffer().data() + b.entries()[i].offset);
    EXPECT_EQ(nlh->nlmsg_type, type);
    EXPECT_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | flags);
    const auto* ndm = static_cast<const ndmsg*>(mnl_nlmsg_get_payload(nlh));
    EXPECT_EQ(ndm->ndm_family, AF_BRIDGE);
    EXPECT_EQ(ndm->ndm_ifindex, 9);
    EXPECT_EQ(ndm->ndm_flags, NTF_SELF);
    EXPECT_EQ(ndm->ndm_state, NUD_NOARP | NUD_PERMANENT);
    std::map<uint16_t, std::string> attrs;
    nswire::netlink::detail::for_each_attr(nlh, sizeof(ndmsg), [&](const nlattr* a) {
      attrs[mnl_attr_get_type(a)] = std::string(static_cast<const char*>(mnl_attr_get_payload(a)), mnl_attr_get_payload_len(a));
    });
    EXPECT_EQ(attrs[NDA_LLADDR], std::string(6, '\0'));
    EXPECT_EQ(attrs[NDA_DST], dst);
  };
  check(0, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND, std::string("\xc0\xa8\x64\x0c", 4));
  check(1, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND,
        std::string("\xfd\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02", 16));
  check(2, RTM_DELNEIGH, 0, std::string("\xc0\xa8\x64\x0d", 4));
  EXPECT_EQ(b.entries()[0].object, "192.168.100.12 on vx0");
  EXPECT_THROW(add_vxlan_remote(b, 9, "vx0", "not-an-address"), nswire::Error);
  EXPECT_EQ(b.size(), 3u);
}
