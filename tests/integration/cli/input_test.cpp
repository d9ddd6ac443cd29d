// Bad input never gets through, on the real machine (in the sandbox): a lab "file" that is a
// device, a directory or a FIFO is refused at once without being read (a FIFO without blocking),
// and `attach` only reaches a namespace that is another network namespace — a namespace this test
// made is attachable, the namespace nswire runs in (by pid or path) and the machine's init one are
// refused pointing at `host:` endpoints, and a regular file is refused saying what it is. A
// refused `up` changes nothing (`ip -j link` of every namespace compared before and after).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "oracle.h"

using nswire::test::ip_json;
using nswire::test::netns_list;
using nswire::test::run;

namespace {

struct Result {
  int code;
  std::string out, err;
  double seconds;
};

// nswire under `timeout`, so a run that blocks fails the test (exit 124) instead of hanging it.
Result run_nswire(std::vector<std::string> args) {
  args.insert(args.begin(), {"timeout", "20", NSWIRE_BIN});
  auto t0 = std::chrono::steady_clock::now();
  auto r = run(args);
  return {r.exit_code, r.out, r.err, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()};
}

std::string temp_dir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/nswire-input-XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  return dir;
}

std::string write_lab(const std::string& name, const std::string& text) {
  std::string path = temp_dir() + "/" + name + ".yaml";
  std::ofstream(path) << text;
  return path;
}

// What a refused run must not change: the namespaces, and every link in each of them.
std::string links_everywhere() {
  std::string s = ip_json("", {"link", "show"}).dump() + "\n";
  for (const auto& n : netns_list()) s += n + ": " + ip_json(n, {"link", "show"}).dump() + "\n";
  return s;
}

std::string attach_lab(const std::string& attach) {
  return "name: att\nbackend: linux\nbridges:\n  br0: {}\nnodes:\n  web:\n    attach: " + attach +
         "\n    interfaces:\n      eth0: { bridge: br0, addresses: [10.0.9.2/24] }\n";
}

}  // namespace

TEST(CliInput, ADeviceIsRefusedAtOnceWithoutBeingRead) {
  auto r = run_nswire({"validate", "/dev/zero"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_LT(r.seconds, 5.0);
  EXPECT_NE(r.err.find("/dev/zero: the lab file is a character device, not a regular file"), std::string::npos)
      << r.err;
}

TEST(CliInput, ADirectoryIsSaidToBeOne) {
  auto r = run_nswire({"validate", "/tmp"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("the lab file is a directory"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("empty"), std::string::npos) << r.err;
  auto j = run_nswire({"validate", "/tmp", "--json"});
  EXPECT_EQ(j.code, 2);
  EXPECT_NE(j.out.find("is a directory"), std::string::npos) << j.out;
}

TEST(CliInput, AFifoIsRefusedWithoutBlocking) {
  // Nobody ever writes to this FIFO: opening it to read would wait forever.
  std::string fifo = temp_dir() + "/lab.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const char* verb : {"validate", "up", "down", "status"}) {
    auto r = run_nswire({verb, fifo});
    EXPECT_EQ(r.code, 2) << verb << ": " << r.err;
    EXPECT_LT(r.seconds, 5.0) << verb;
    EXPECT_NE(r.err.find("the lab file is a FIFO"), std::string::npos) << verb << ": " << r.err;
  }
  unlink(fifo.c_str());
}

TEST(CliAttach, ANamespaceTheTestMadeIsAttachable) {
  ASSERT_EQ(run({"ip", "netns", "add", "att-ns"}).exit_code, 0);
  auto file = write_lab("att-ok", attach_lab("{ path: /run/netns/att-ns }"));
  auto v = run_nswire({"validate", file});
  EXPECT_EQ(v.code, 0) << v.err;
  auto up = run_nswire({"up", file});
  ASSERT_EQ(up.code, 0) << up.err;
  EXPECT_TRUE(nswire::test::ip_link("att-ns", "eth0").has_value());
  auto down = run_nswire({"down", file});
  EXPECT_EQ(down.code, 0) << down.err;
  EXPECT_FALSE(nswire::test::ip_link("att-ns", "eth0").has_value());
  EXPECT_EQ(netns_list(), std::vector<std::string>{"att-ns"}) << "an attached namespace stays";
  run({"ip", "netns", "del", "att-ns"});
}

TEST(CliAttach, TheNamespaceNswireRunsInIsRefused) {
  // nswire is this test's child, in the same network namespace: attaching it by our pid, by its
  // own /proc/self, or by the machine's init namespace (pid 1: the sandbox shares the machine's
  // pids) would put the lab's addresses and routes outside the lab.
  std::string pid = std::to_string(getpid());
  // Where this test runs in a container, pid 1 belongs to another user namespace and even root
  // cannot stat its namespace file (EACCES): nswire then says it cannot inspect it (and `up`
  // could not open it either); on a machine of its own it is the init namespace.
  struct stat st;
  bool init_readable = ::stat("/proc/1/ns/net", &st) == 0;
  std::string init_said = init_readable ? "is the machine's init network namespace"
                                        : "cannot be inspected (Permission denied), so nswire could not join it either";
  struct Case {
    std::string attach, said;
    bool host_hint;
  };
  for (const auto& [attach, said, host_hint] : {
           Case{"{ pid: " + pid + " }", "attach: pid " + pid + " (/proc/" + pid + "/ns/net) is the network namespace nswire runs in", true},
           Case{"{ path: /proc/self/ns/net }", "attach: path \"/proc/self/ns/net\" is the network namespace nswire runs in", true},
           Case{"{ path: /proc/1/ns/net }", "attach: path \"/proc/1/ns/net\" " + init_said, init_readable},
           Case{"{ pid: 1 }", "attach: pid 1 (/proc/1/ns/net) " + init_said, init_readable},
       }) {
    SCOPED_TRACE(attach);
    auto file = write_lab("att-self", attach_lab(attach));
    auto v = run_nswire({"validate", file});
    EXPECT_EQ(v.code, 2);
    EXPECT_NE(v.err.find(file + ":7:13: node \"web\": " + said), std::string::npos) << v.err;
    if (host_hint) {
      EXPECT_NE(v.err.find("`host:` endpoints"), std::string::npos) << v.err;
    }
    std::string before = links_everywhere();
    auto up = run_nswire({"up", file});
    EXPECT_EQ(up.code, 2) << up.err;
    EXPECT_EQ(links_everywhere(), before) << "a refused up changed the machine";
    EXPECT_FALSE(std::filesystem::exists("/run/nswire/labs/att.json"));
  }
}

TEST(CliAttach, ARegularFileIsRefusedSayingWhatItIs) {
  std::string plain = write_lab("not-a-namespace", "hello\n");
  auto file = write_lab("att-file", attach_lab("{ path: " + plain + " }"));
  std::string before = links_everywhere();
  auto v = run_nswire({"validate", file});
  EXPECT_EQ(v.code, 2);
  EXPECT_NE(v.err.find("attach: path \"" + plain + "\" is a regular file, not a network namespace"), std::string::npos)
      << v.err;
  auto up = run_nswire({"up", file});
  EXPECT_EQ(up.code, 2) << up.err;
  EXPECT_EQ(links_everywhere(), before);
  // A namespace file of another kind is not a network one either.
  auto mnt = run_nswire({"validate", write_lab("att-mnt", attach_lab("{ path: /proc/self/ns/mnt }"))});
  EXPECT_EQ(mnt.code, 2);
  EXPECT_NE(mnt.err.find("is a mount namespace, not a network namespace"), std::string::npos) << mnt.err;
}
