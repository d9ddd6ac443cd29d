// ObservedNamespace's link lookups (issue 19): a big namespace (the host of a 2000-node lab) is
// looked up through a table built on first use; it must answer as the scan does, and follow
// the links when they change (a copy, an added link). Pure.
#include <gtest/gtest.h>

#include "nswire/reconcile/observed.h"

using nswire::reconcile::ObservedNamespace;
namespace netlink = nswire::netlink;

namespace {

ObservedNamespace with_links(int n) {
  ObservedNamespace o;
  o.exists = true;
  for (int i = 1; i <= n; ++i) o.links.push_back({.index = 1000 + i, .name = "h" + std::to_string(i)});
  return o;
}

TEST(ObservedLinks, BigNamespacesAnswerAsTheScanDoes) {
  for (int n : {3, 63, 64, 500}) {
    auto o = with_links(n);
    for (int i = 1; i <= n; ++i) {
      const auto* by_name = o.link("h" + std::to_string(i));
      ASSERT_NE(by_name, nullptr) << n << " " << i;
      EXPECT_EQ(by_name->index, 1000 + i);
      EXPECT_EQ(o.link(1000 + i), by_name);
    }
    EXPECT_EQ(o.link("h0"), nullptr);
    EXPECT_EQ(o.link("eth0"), nullptr);
    EXPECT_EQ(o.link(1000), nullptr);
    EXPECT_EQ(o.link(1001 + n), nullptr);
  }
}

TEST(ObservedLinks, TheTableFollowsTheLinks) {
  auto o = with_links(100);
  ASSERT_NE(o.link("h7"), nullptr);  // the table is built
  o.links.push_back({.index = 5, .name = "late"});
  ASSERT_NE(o.link("late"), nullptr);
  EXPECT_EQ(o.link("late")->index, 5);
  EXPECT_EQ(o.link(5)->name, "late");
  ObservedNamespace copy = o;  // the copy's links live elsewhere: it answers from its own
  copy.links.erase(copy.links.begin());
  EXPECT_EQ(copy.link("h1"), nullptr);
  ASSERT_NE(copy.link("h2"), nullptr);
  EXPECT_EQ(copy.link("h2"), &copy.links[0]);
  EXPECT_EQ(o.link("h1"), &o.links[0]);
  o.links[1].name = "renamed";  // in place, same size: a stale hit is checked, not believed
  EXPECT_EQ(o.link("h2"), nullptr);
}

}  // namespace
