// The progress bar's text (src/cli/progress.cpp), byte for byte: verb, phase, a bar as wide as
// the terminal allows, done/total and the time; nothing but the text on a narrow terminal. And
// that a bar asked for with stdout not a terminal draws nothing.
#include "progress.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

using nswire::cli::ProgressBar;
using nswire::reconcile::ProgressStep;

TEST(ProgressBar, ShowsPhaseBarCountAndTime) {
  EXPECT_EQ(ProgressBar::render("up", {"namespaces", 412, 1000}, 3.24, 80),
            "up  namespaces  [############------------------]  412/1000  3.2 s");
  EXPECT_EQ(ProgressBar::render("up", {"namespaces", 0, 1000}, 0, 80),
            "up  namespaces  [------------------------------]  0/1000  0.0 s");
  EXPECT_EQ(ProgressBar::render("test", {"probes", 197, 197}, 1.0, 80),
            "test  probes  [##############################]  197/197  1.0 s");
}

TEST(ProgressBar, NarrowsTheBarThenDropsIt) {
  std::string s = ProgressBar::render("up", {"configuring", 5, 10}, 1.0, 50);
  SCOPED_TRACE(s);
  EXPECT_EQ(s.size(), 50u);
  auto open = s.find('['), close = s.find(']');
  ASSERT_NE(close, std::string::npos);
  EXPECT_EQ(close - open - 1, 18u);  // what 50 columns leave
  EXPECT_EQ(std::count(s.begin(), s.end(), '#'), 9);  // half of it
  EXPECT_EQ(ProgressBar::render("up", {"configuring", 5, 10}, 1.0, 30), "up  configuring  5/10  1.0 s");
  EXPECT_EQ(ProgressBar::render("up", {"configuring", 5, 10}, 1.0, 10).size(), 10u);
}

TEST(ProgressBar, APhaseWithoutATotalShowsNoCount) {
  EXPECT_EQ(ProgressBar::render("down", {"removing", 0, 0}, 2.0, 40), "down  removing  [---------------]  2.0 s");
}

TEST(ProgressBar, NothingWithoutATerminal) {
  if (isatty(STDOUT_FILENO)) GTEST_SKIP() << "stdout is a terminal here";
  ProgressBar bar("up", true);
  EXPECT_FALSE(bar.enabled());
}
