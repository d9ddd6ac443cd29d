// The conventions users expect, end to end in the sandbox (no private Open vSwitch: an OVS lab
// gets nswire's embedded one): `nswire ls` lists every lab with its state, judged against its
// file (up, partial, drifted, busy, orphaned) and `down --lab` takes an orphan away; a record of
// an older nswire still lists; `up`/`down`/`test` print no progress without a terminal and draw
// a bar (cleared at the end) on one; `test` prints its summary once; the embedded daemons log
// only to their files and `up -v` says where; `graph` colours a live lab by its status.
// Checked with ip, the daemons' log files, xmllint and the raw terminal bytes.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include "oracle.h"

using nlohmann::json;
using nswire::test::netns_list;
using nswire::test::run;

namespace {

namespace fs = std::filesystem;

struct Nswire {
  int code;
  std::string out, err;
  json j() const { return json::parse(out); }
};

Nswire run_nswire(std::vector<std::string> args) {
  args.insert(args.begin(), NSWIRE_BIN);
  auto r = run(args);
  return {r.exit_code, r.out, r.err};
}

// The command on a terminal: `script` gives it a pseudo-terminal and copies what it wrote.
Nswire on_terminal(const std::string& command_line) {
  auto r = run({"env", "NSWIRE_PROGRESS_AFTER_MS=0", "script", "-qec", command_line, "/dev/null"});
  return {r.exit_code, r.out, r.err};
}

std::string dir() {
  static const std::string d = [] {
    char tmpl[] = "/tmp/nswire-conventions-XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  return d;
}

std::string write_lab(const std::string& name, const std::string& text) {
  std::string path = dir() + "/" + name + ".yaml";
  std::ofstream(path) << text;
  return path;
}

std::string lab_text(const std::string& name, const std::string& backend, int nodes, int subnet) {
  std::string net = "10.77." + std::to_string(subnet) + ".";
  std::string s = "name: " + name + "\nbackend: " + backend + "\nbridges:\n  br" + std::to_string(subnet) +
                  ": { addresses: [" + net + "1/24] }\nnodes:\n";
  for (int i = 1; i <= nodes; ++i)
    s += "  " + name + "-n" + std::to_string(i) + ": { interfaces: { eth0: { bridge: br" + std::to_string(subnet) +
         ", addresses: [" + net + std::to_string(i + 1) + "/24] } }, sysctls: { net.ipv4.ip_forward: 1 } }\n";
  s += "tests:\n  - { mesh: [";
  for (int i = 1; i <= nodes; ++i) s += (i > 1 ? ", " : "") + name + "-n" + std::to_string(i);
  s += "], expect: reachable }\n";
  return s;
}

const json* find_lab(const json& labs, const std::string& name) {
  for (const auto& l : labs)
    if (l["lab"] == name) return &l;
  return nullptr;
}

std::string snapshot() {
  std::string s;
  for (const auto& n : netns_list()) s += "netns " + n + "\n";
  for (const auto& l : nswire::test::ip_json("", {"link", "show"})) s += "link " + l["ifname"].get<std::string>() + "\n";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/run/nswire", ec)) s += "state " + e.path().string() + "\n";
  return s;
}

class Conventions : public ::testing::Test {
 protected:
  void SetUp() override { before_ = snapshot(); }
  void TearDown() override { EXPECT_EQ(snapshot(), before_) << "the test left something behind"; }
  std::string before_;
};

}  // namespace

TEST_F(Conventions, LsJudgesEveryLabAgainstItsFileAndDownByNameTakesAnOrphanAway) {
  auto linux_lab = write_lab("ls-linux", lab_text("ls-linux", "linux", 2, 1));
  auto ovs_lab = write_lab("ls-ovs", lab_text("ls-ovs", "ovs", 2, 2));
  auto gone = write_lab("ls-gone", lab_text("ls-gone", "linux", 1, 3));
  for (const auto& f : {linux_lab, ovs_lab, gone}) ASSERT_EQ(run_nswire({"up", f}).code, 0) << f;
  fs::remove(gone);

  auto ls = run_nswire({"ls", "--json"});
  ASSERT_EQ(ls.code, 0) << ls.err;
  auto labs = ls.j()["labs"];
  ASSERT_EQ(labs.size(), 3u) << labs.dump(2);
  const json* l = find_lab(labs, "ls-linux");
  ASSERT_TRUE(l);
  EXPECT_EQ((*l)["state"], "up") << (*l)["reason"];
  EXPECT_EQ((*l)["file"], fs::canonical(linux_lab).string());
  EXPECT_EQ((*l)["nodes"], 2);
  EXPECT_EQ((*l)["bridges"], 1);
  EXPECT_EQ((*l)["backends"], json::array({"linux"}));
  EXPECT_TRUE(std::regex_match((*l)["since"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  EXPECT_EQ((*find_lab(labs, "ls-ovs"))["state"], "up");
  EXPECT_EQ((*find_lab(labs, "ls-ovs"))["backends"], json::array({"ovs"}));
  EXPECT_EQ((*find_lab(labs, "ls-gone"))["state"], "orphaned");
  EXPECT_NE((*find_lab(labs, "ls-gone"))["reason"].get<std::string>().find("file gone"), std::string::npos);

  // Broken behind nswire's back, with ip: a namespace gone, a sysctl changed.
  ASSERT_EQ(run({"ip", "netns", "del", "ls-linux-n2"}).exit_code, 0);
  ASSERT_EQ(run({"ip", "netns", "exec", "ls-ovs-n1", "sysctl", "-qw", "net.ipv4.ip_forward=0"}).exit_code, 0);
  labs = run_nswire({"ls", "--json"}).j()["labs"];
  EXPECT_EQ((*find_lab(labs, "ls-linux"))["state"], "partial");
  EXPECT_EQ((*find_lab(labs, "ls-ovs"))["state"], "drifted");
  auto detail = run_nswire({"inspect", "ls-ovs", "--json"});  // the alias
  EXPECT_EQ(detail.code, 3);
  ASSERT_EQ(detail.j()["drift"].size(), 1u) << detail.out;
  EXPECT_EQ(detail.j()["drift"][0]["kind"], "sysctl");
  auto text = run_nswire({"ls"});
  EXPECT_NE(text.out.find("`nswire down --lab ls-gone` removes it"), std::string::npos) << text.out;
  EXPECT_EQ(run_nswire({"ls", "no-such-lab"}).code, 1);

  // A run holding the lock is busy, not judged.
  pid_t holder = fork();
  if (holder == 0) {
    int fd = open("/run/nswire/labs/ls-linux.lock", O_RDWR);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) _exit(1);
    execlp("sleep", "sleep", "30", nullptr);
    _exit(127);
  }
  for (int i = 0; i < 500 && run({"flock", "-n", "/run/nswire/labs/ls-linux.lock", "true"}).exit_code == 0; ++i) usleep(10000);
  EXPECT_EQ((*find_lab(run_nswire({"ls", "--json"}).j()["labs"], "ls-linux"))["state"], "busy");
  kill(holder, SIGTERM);
  waitpid(holder, nullptr, 0);

  // The orphan by name: its namespace goes (ip says so), its record too.
  auto before_down = netns_list();  // one list: begin() and end() of two temporaries are no range
  ASSERT_TRUE(std::count(before_down.begin(), before_down.end(), "ls-gone-n1"));
  auto down = run_nswire({"down", "--lab", "ls-gone"});
  EXPECT_EQ(down.code, 0) << down.err;
  auto names = netns_list();
  EXPECT_EQ(std::count(names.begin(), names.end(), "ls-gone-n1"), 0);
  EXPECT_EQ(find_lab(run_nswire({"ls", "--json"}).j()["labs"], "ls-gone"), nullptr);

  EXPECT_EQ(run_nswire({"down", linux_lab}).code, 0);
  EXPECT_EQ(run_nswire({"down", ovs_lab}).code, 0);
  EXPECT_EQ(run_nswire({"ls"}).out, "no labs on this machine\n");
}

TEST_F(Conventions, ARecordOfAnOlderNswireStillListsAndGoesDownByName) {
  auto file = write_lab("old-record", lab_text("old-record", "linux", 1, 4));
  ASSERT_EQ(run_nswire({"up", file}).code, 0);
  // What the first nswire wrote: no backend, settings, since or updated.
  std::ofstream("/run/nswire/labs/old-record.json", std::ios::trunc)
      << json{{"lab", "old-record"}, {"file", file}, {"namespaces", json::array({"old-record-n1"})},
              {"attached", json::object()}, {"bridges", json::object({{"br4", "linux"}})},
              {"backends", json::array({"linux"})}}.dump();
  const json labs = run_nswire({"ls", "--json"}).j()["labs"];  // kept: find_lab points into it
  auto l = find_lab(labs, "old-record");
  ASSERT_TRUE(l);
  EXPECT_EQ((*l)["state"], "up") << (*l)["reason"];
  EXPECT_EQ((*l)["since"], "");
  EXPECT_NE(run_nswire({"ls"}).out.find("old-record"), std::string::npos);
  EXPECT_EQ(run_nswire({"down", "--lab", "old-record"}).code, 0);
}

TEST_F(Conventions, NoProgressWithoutATerminalAndOneSummaryLineForTest) {
  auto file = write_lab("quiet", lab_text("quiet", "ovs", 3, 5));
  auto up = run_nswire({"up", file});
  ASSERT_EQ(up.code, 0) << up.err;
  EXPECT_TRUE(std::regex_match(up.out, std::regex("lab \"quiet\" is up: \\d+ change\\(s\\) in [0-9.]+ s\n"))) << up.out;
  // The embedded Open vSwitch started, and said nothing here: it logs to its files.
  EXPECT_EQ(up.err, "");
  for (const char* log : {"/run/nswire/ovs/ovsdb-server.log", "/run/nswire/ovs/ovs-vswitchd.log"}) {
    std::ifstream f(log);
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("|INFO|"), std::string::npos) << log;
  }
  auto verbose = run_nswire({"up", "-v", file});
  EXPECT_NE(verbose.err.find("ovs daemons log to /run/nswire/ovs/ovsdb-server.log, /run/nswire/ovs/ovs-vswitchd.log"),
            std::string::npos)
      << verbose.err;
  EXPECT_EQ(verbose.err.find("|INFO|"), std::string::npos) << verbose.err;

  auto test = run_nswire({"test", file});
  EXPECT_EQ(test.code, 0) << test.out;
  EXPECT_TRUE(std::regex_match(test.out, std::regex("6 passed, 0 failed of 6 \\([0-9.]+ s\\)\n"))) << test.out;
  auto all = run_nswire({"test", "-v", file});
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 1 + 6 + 1) << all.out;  // header, probes, summary
  // A failing expectation: its row and the summary, once.
  ASSERT_EQ(run({"ip", "netns", "exec", "quiet-n3", "ip", "link", "set", "eth0", "down"}).exit_code, 0);
  auto failing = run_nswire({"test", file});
  EXPECT_EQ(failing.code, 1);
  EXPECT_EQ(std::regex_search(failing.out, std::regex("^ok ", std::regex::multiline)), false) << failing.out;
  EXPECT_NE(failing.out.find("FAIL  quiet-n1 -> quiet-n3"), std::string::npos) << failing.out;
  std::smatch m;
  EXPECT_TRUE(std::regex_search(failing.out, m, std::regex("(\\d+) passed, (\\d+) failed of 6")));
  const std::regex summary_line("passed, \\d+ failed of");
  auto summaries = std::distance(std::sregex_iterator(failing.out.begin(), failing.out.end(), summary_line),
                                 std::sregex_iterator());
  EXPECT_EQ(summaries, 1) << "one summary line:\n" << failing.out;
  EXPECT_EQ(run_nswire({"down", file}).code, 0);
}

TEST_F(Conventions, OnATerminalABarIsDrawnInPlaceAndCleared) {
  auto file = write_lab("bar", lab_text("bar", "linux", 6, 6));
  auto up = on_terminal(std::string(NSWIRE_BIN) + " up " + file);
  ASSERT_EQ(up.code, 0) << up.out;
  EXPECT_NE(up.out.find("\r\x1b[Kup  namespaces  ["), std::string::npos) << up.out;
  EXPECT_NE(up.out.find("6/6"), std::string::npos) << up.out;
  // The last thing before the result line is the bar being erased.
  auto result = up.out.rfind("lab \"bar\" is up");
  ASSERT_NE(result, std::string::npos) << up.out;
  EXPECT_EQ(up.out.substr(result - 4, 4), "\r\x1b[K") << up.out;
  auto test = on_terminal(std::string(NSWIRE_BIN) + " test " + file);
  EXPECT_NE(test.out.find("test  probes  ["), std::string::npos) << test.out;
  EXPECT_NE(test.out.find("30/30"), std::string::npos) << test.out;
  // --json: nothing of it, even on a terminal.
  auto json_up = on_terminal(std::string(NSWIRE_BIN) + " up --json " + file);
  EXPECT_EQ(json_up.out.find("\x1b[K"), std::string::npos) << json_up.out;
  auto down = on_terminal(std::string(NSWIRE_BIN) + " down " + file);
  EXPECT_EQ(down.code, 0);
  EXPECT_NE(down.out.find("\r\x1b[Kdown  removing  ["), std::string::npos) << down.out;
}

TEST_F(Conventions, TheGraphOfALiveLabIsColouredByItsStatus) {
  auto file = write_lab("picture", lab_text("picture", "linux", 2, 7));
  const std::string green = "fill=\"#c8e6c9\"", orange = "fill=\"#ffe0b2\"";
  auto before = run_nswire({"graph", file, "--format", "svg"});
  ASSERT_EQ(before.code, 0) << before.err;
  EXPECT_EQ(before.out.find(green), std::string::npos);  // not up: no colours
  ASSERT_EQ(run_nswire({"up", file}).code, 0);
  std::string svg = dir() + "/picture.svg";
  ASSERT_EQ(run_nswire({"graph", file, "--format", "svg", "-o", svg}).code, 0);
  EXPECT_EQ(run({"xmllint", "--noout", "--nonet", svg}).exit_code, 0);
  std::ifstream in(svg);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(std::count(text.begin(), text.end(), '#') >= 3, true);
  size_t greens = 0;
  for (size_t at = text.find(green); at != std::string::npos; at = text.find(green, at + 1)) ++greens;
  EXPECT_EQ(greens, 3u) << text;  // one bridge, two nodes
  // One node's address gone behind nswire's back: that node turns orange, the rest stay green.
  ASSERT_EQ(run({"ip", "netns", "exec", "picture-n2", "ip", "addr", "flush", "dev", "eth0"}).exit_code, 0);
  auto drifting = run_nswire({"graph", file, "--format", "svg"}).out;
  size_t oranges = 0;
  for (size_t at = drifting.find(orange); at != std::string::npos; at = drifting.find(orange, at + 1)) ++oranges;
  EXPECT_EQ(oranges, 1u) << drifting;
  auto html = run_nswire({"graph", file, "--format", "html"});
  EXPECT_EQ(html.out.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.out.find("<svg"), std::string::npos);
  EXPECT_EQ(html.out.find("<script"), std::string::npos);
  auto png = run_nswire({"graph", file, "--format", "png"});
  EXPECT_EQ(png.out.substr(0, 4), "\x89PNG");
  EXPECT_EQ(run_nswire({"down", file}).code, 0);
}
