// Netlink message building, checked byte by byte against linux/netlink.h's layout rules.
#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "nswire/netlink/links.h"
#include "nswire/netlink/message.h"

using namespace nswire::netlink;

TEST(Batch, RequestsSitBackToBackWithAckFlag) {
  Batch b;
  auto m = b.add<ifinfomsg>(RTM_NEWLINK, NLM_F_CREATE, "create", "x");
  m.put_str(IFLA_IFNAME, "abc");
  b.add<ifinfomsg>(RTM_DELLINK, 0, "delete", "y");
  ASSERT_EQ(b.size(), 2u);
  auto* first = reinterpret_cast<nlmsghdr*>(b.buffer().data());
  EXPECT_EQ(first->nlmsg_type, RTM_NEWLINK);
  EXPECT_EQ(first->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE);
  // header + ifinfomsg + (4-byte nla header + "abc\0")
  EXPECT_EQ(first->nlmsg_len, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg)) + 8);
  EXPECT_EQ(b.entries()[1].offset, first->nlmsg_len);
  auto* second = reinterpret_cast<nlmsghdr*>(b.buffer().data() + b.entries()[1].offset);
  EXPECT_EQ(second->nlmsg_type, RTM_DELLINK);
  EXPECT_EQ(b.buffer().size(), b.entries()[1].offset + second->nlmsg_len);
}

TEST(Batch, NestClosesWithItsLengthAndNestedFlag) {
  Batch b;
  auto m = b.add<ifinfomsg>(RTM_NEWLINK, 0, "create", "x");
  size_t nest_at = b.buffer().size();
  {
    auto n = m.nest(IFLA_LINKINFO);
    m.put_str(IFLA_INFO_KIND, "bridge");  // 4 + 7 -> aligned 12
  }
  auto* nla = reinterpret_cast<nlattr*>(b.buffer().data() + nest_at);
  EXPECT_EQ(nla->nla_type, IFLA_LINKINFO | NLA_F_NESTED);
  EXPECT_EQ(nla->nla_len, 4 + 12);
  EXPECT_EQ(reinterpret_cast<nlmsghdr*>(b.buffer().data())->nlmsg_len, b.buffer().size());
}

TEST(Batch, VethPeerCarriesItsOwnIfinfomsgAndNamespaceFd) {
  Batch b;
  add_veth(b, {.name = "veth0", .peer_name = "veth1", .peer_netns_fd = 7});
  const auto& buf = b.buffer();
  // The peer's name appears after VETH_INFO_PEER and an ifinfomsg-sized gap.
  std::string bytes(buf.begin(), buf.end());
  auto peer_name = bytes.find("veth1");
  ASSERT_NE(peer_name, std::string::npos);
  auto ifname0 = bytes.find("veth0");
  EXPECT_LT(ifname0, peer_name);
  EXPECT_EQ(reinterpret_cast<const nlmsghdr*>(buf.data())->nlmsg_len, buf.size());
}

TEST(Batch, RenameByNameIsRefusedBeforeAnythingIsSent) {
  Batch b;
  EXPECT_THROW(change_link(b, {.name = "a", .new_name = "b"}), nswire::Error);
}

// The one place that decides which failures of a batch count: errnos a caller tolerates pass
// (ENODEV when deleting what is gone), any other is thrown naming its request and where it ran.
TEST(Check, ToleratedErrnosPassOthersNameTheirRequest) {
  nswire::netlink::Batch b;
  nswire::netlink::delete_link(b, "gone0");
  nswire::netlink::delete_link(b, "kept0");
  std::vector<nswire::netlink::Outcome> gone{{ENODEV, ""}, {0, ""}};
  EXPECT_NO_THROW(nswire::netlink::check(b, gone, {ENODEV}));
  EXPECT_THROW(nswire::netlink::check(b, gone), nswire::netlink::Error);
  std::vector<nswire::netlink::Outcome> denied{{0, ""}, {EPERM, "not yours"}};
  try {
    nswire::netlink::check(b, denied, {ENODEV}, "in namespace blue");
    ADD_FAILURE() << "EPERM passed";
  } catch (const nswire::netlink::Error& e) {
    EXPECT_STREQ(e.what(), "delete link kept0: Operation not permitted (kernel: not yours) in namespace blue");
    EXPECT_EQ(e.error, EPERM);
    EXPECT_EQ(e.index, 1u);
  }
}
