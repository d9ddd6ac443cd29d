// Pictures through the Graphviz library, checked with tools it did not write: the SVG and the HTML
// page (polyglot markup) parse as XML with xmllint, the PNG has its signature and a header with a size; the HTML page is
// self-contained (the SVG inline, no script, no external resource); bad DOT is an error that
// quotes Graphviz.
#include "nswire/render/render.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>

#include <unistd.h>

#include "nswire/error.h"

using nswire::render::Format;
using nswire::render::render;

namespace {

const std::string kDot = R"dot(graph "t" {
  graph [rankdir=LR, label="t"];
  bridge0 [shape=box, label="br0 (linux)", style=filled, fillcolor="#c8e6c9"];
  node0 [shape=ellipse, label="blue"];
  node0 -- bridge0 [taillabel="eth0 10.0.2.100/24"];
}
)dot";

// xmllint's verdict on the text as XML, 0 when well-formed.
int xmllint(const std::string& text) {
  char path[] = "/tmp/nswire-render-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return -1;
  std::ofstream(path) << text;
  std::string cmd = std::string("xmllint --noout --nonet ") + path + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::remove(path);
  ::close(fd);
  return rc;
}

}  // namespace

TEST(Render, SvgIsWellFormedAndHasTheLabels) {
  std::string svg = render(kDot, Format::svg);
  EXPECT_EQ(xmllint(svg), 0) << svg;
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find(">br0 (linux)</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">blue</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("fill=\"#c8e6c9\""), std::string::npos) << svg;
}

TEST(Render, PngHasItsSignatureAndASize) {
  std::string png = render(kDot, Format::png);
  ASSERT_GT(png.size(), 33u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  auto be32 = [&](size_t at) {
    return (uint32_t(uint8_t(png[at])) << 24) | (uint32_t(uint8_t(png[at + 1])) << 16) |
           (uint32_t(uint8_t(png[at + 2])) << 8) | uint32_t(uint8_t(png[at + 3]));
  };
  EXPECT_GT(be32(16), 50u);  // width
  EXPECT_GT(be32(20), 20u);  // height
}

TEST(Render, HtmlIsOneSelfContainedPage) {
  std::string html = render(kDot, Format::html, "nswire lab <t>");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(xmllint(html), 0) << html;
  EXPECT_NE(html.find("<title>nswire lab &lt;t&gt;</title>"), std::string::npos) << html;
  EXPECT_NE(html.find(">blue</text>"), std::string::npos);
  EXPECT_EQ(html.find("<?xml"), std::string::npos);     // the SVG's own prologue is gone
  EXPECT_EQ(html.find("<!DOCTYPE svg"), std::string::npos);
  for (const char* external : {"<script", "<link", "<img", "<iframe", " src=", "url("})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  // The only URLs are XML namespace names, which nothing fetches.
  std::regex url(R"((href|src)\s*=\s*"https?:)");
  EXPECT_FALSE(std::regex_search(html, url));
}

TEST(Render, BadDotIsAnErrorQuotingGraphviz) {
  try {
    render("graph { a -- ", Format::svg);
    FAIL() << "no error";
  } catch (const nswire::Error& e) {
    EXPECT_NE(std::string(e.what()).find("Graphviz: cannot read the graph: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("syntax error"), std::string::npos) << e.what();
  }
}

TEST(Render, TheLibraryHasAVersion) {
  EXPECT_TRUE(std::regex_match(nswire::render::graphviz_version(), std::regex(R"(\d+\.\d+.*)")))
      << nswire::render::graphviz_version();
}
