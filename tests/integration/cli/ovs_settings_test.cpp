// The switch settings of a lab file through the nswire command against the sandbox's real
// ovsdb-server + ovs-vswitchd, checked with `ovs-vsctl --format=json`, ping, and tcpdump -r
// reading what `nswire capture` wrote: bridge control (controller, fail mode, protocols,
// datapath id, passthrough maps), sFlow/IPFIX, a mirror, trunks with a native VLAN, QoS and
// policing; in sync on the second `up`, drift repaired, and `down` leaving nothing.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "oracle.h"

using nlohmann::json;
using nswire::test::ovs_rows;
using nswire::test::ovs_vsctl;
using nswire::test::ping;
using nswire::test::run;
using namespace std::chrono_literals;

namespace {

struct Nswire {
  int code;
  std::string out, err;
  json j() const { return json::parse(out); }
};

Nswire nsw(std::vector<std::string> args) {
  args.insert(args.begin(), NSWIRE_BIN);
  auto r = run(args);
  return {r.exit_code, r.out, r.err};
}

std::string write_lab(const std::string& name, const std::string& text) {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/nswire-ovs-XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  std::string path = dir + "/" + name + ".yaml";
  std::ofstream(path) << text;
  return path;
}

// An OVSDB ["set", [...]] or a single atom, as strings.
std::vector<std::string> set_of(const json& v) {
  std::vector<std::string> out;
  auto one = [&](const json& a) { out.push_back(a.is_string() ? a.get<std::string>() : a.dump()); };
  if (v.is_array() && v.size() == 2 && v[0] == "set") {
    for (const auto& a : v[1]) one(a);
  } else {
    one(v);
  }
  return out;
}

std::map<std::string, std::string> map_of(const json& v) {
  std::map<std::string, std::string> out;
  for (const auto& kv : v[1]) out[kv[0].get<std::string>()] = kv[1].get<std::string>();
  return out;
}

json row(const std::string& table, const std::string& name) {
  auto rows = ovs_rows({"list", table, name});
  return rows.size() == 1 ? rows[0] : json();
}

const char* kLab = R"(name: ovsx
backend: ovs
bridges:
  br0:
    addresses: [10.0.5.1/24]
    controller: [tcp:127.0.0.1:6653]
    inactivity_probe: 1s
    fail_mode: standalone
    protocols: [OpenFlow10, OpenFlow13]
    datapath_id: 00000000000000a1
    other_config: { mac-aging-time: '45' }
    external_ids: { owner: lab-team }
    sflow: { targets: ['127.0.0.1:6343'], sampling: 64, polling: 10 }
    ipfix: { targets: ['127.0.0.1:4739'], obs_domain_id: 7 }
    mirrors:
      - { name: span, src: [blue:eth0], dst: [blue:eth0], output: cap:eth0 }
nodes:
  blue:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.5.100/24], qos: { max_rate: 10mbit }, policing: { rate: 20mbit, burst: 2mbit } }
  red:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.5.101/24] }
      eth1: { bridge: br0, vlan: 10, trunks: [10, 20], vlan_mode: native-untagged }
  cap:
    interfaces:
      eth0: { bridge: br0 }
tests:
  - { from: blue, to: red, expect: reachable }
)";

class OvsSettings : public ::testing::Test {
 protected:
  void TearDown() override {
    if (!file_.empty()) nsw({"down", file_});
    EXPECT_EQ(ovs_vsctl({"list-br"}), "") << "down left a bridge";
    for (const auto& t : {"Mirror", "QoS", "Queue", "sFlow", "IPFIX", "Controller"})
      EXPECT_TRUE(ovs_rows({"list", t}).empty()) << "down left a " << t << " row";
    EXPECT_TRUE(nswire::test::netns_list().empty());
  }
  std::string file_;
};

TEST_F(OvsSettings, EverySettingIsWrittenObservedKeptInSyncAndRemoved) {
  file_ = write_lab("ovsx", kLab);
  auto up = nsw({"up", file_, "--json"});
  ASSERT_EQ(up.code, 0) << up.err << up.out;

  // The bridge, as ovs-vsctl sees it.
  auto br = row("Bridge", "br0");
  EXPECT_EQ(br["fail_mode"], "standalone");
  EXPECT_EQ(set_of(br["protocols"]), (std::vector<std::string>{"OpenFlow10", "OpenFlow13"}));
  auto other = map_of(br["other_config"]);
  EXPECT_EQ(other["datapath-id"], "00000000000000a1");
  EXPECT_EQ(other["mac-aging-time"], "45");
  auto ids = map_of(br["external_ids"]);
  EXPECT_EQ(ids["owner"], "lab-team");
  EXPECT_EQ(ids["nswire-lab"], "ovsx");
  EXPECT_EQ(ovs_vsctl({"get-controller", "br0"}), "tcp:127.0.0.1:6653");
  EXPECT_EQ(ovs_vsctl({"get", "Bridge", "br0", "datapath_id"}), "\"00000000000000a1\"");
  auto ctl = ovs_rows({"list", "Controller"});
  ASSERT_EQ(ctl.size(), 1u);
  EXPECT_EQ(ctl[0]["inactivity_probe"], 1000);
  auto sflow = ovs_rows({"list", "sFlow"});
  ASSERT_EQ(sflow.size(), 1u);
  EXPECT_EQ(set_of(sflow[0]["targets"]), std::vector<std::string>{"127.0.0.1:6343"});
  EXPECT_EQ(sflow[0]["sampling"], 64);
  auto ipfix = ovs_rows({"list", "IPFIX"});
  ASSERT_EQ(ipfix.size(), 1u);
  EXPECT_EQ(ipfix[0]["obs_domain_id"], 7);

  // Ports: the host ends of the node interfaces.
  auto port_of = [](const std::string& node, const std::string& ifname) {
    for (const auto& l : nswire::test::ip_json("", {"-d", "link", "show", "type", "veth"}))
      if (l.value("ifalias", "") == "nswire:ovsx node " + node + " interface " + ifname) return l["ifname"].get<std::string>();
    return std::string();
  };
  std::string blue = port_of("blue", "eth0"), trunk = port_of("red", "eth1"), cap = port_of("cap", "eth0");
  ASSERT_FALSE(blue.empty());
  auto tp = row("Port", trunk);
  EXPECT_EQ(tp["tag"], 10);
  EXPECT_EQ(set_of(tp["trunks"]), (std::vector<std::string>{"10", "20"}));
  EXPECT_EQ(tp["vlan_mode"], "native-untagged");
  auto qos = ovs_rows({"list", "QoS"});
  ASSERT_EQ(qos.size(), 1u);
  EXPECT_EQ(qos[0]["type"], "linux-htb");
  EXPECT_EQ(map_of(qos[0]["other_config"])["max-rate"], "10000000");
  EXPECT_EQ(ovs_vsctl({"get", "Port", blue, "qos"}), qos[0]["_uuid"][1].get<std::string>());
  auto bi = row("Interface", blue);
  EXPECT_EQ(bi["ingress_policing_rate"], 20000);
  EXPECT_EQ(bi["ingress_policing_burst"], 2000);
  auto mirrors = ovs_rows({"list", "Mirror"});
  ASSERT_EQ(mirrors.size(), 1u);
  EXPECT_EQ(mirrors[0]["name"], "span");
  EXPECT_EQ(ovs_vsctl({"get", "Mirror", "span", "output_port"}), ovs_vsctl({"get", "Port", cap, "_uuid"}));

  // Standalone with an unreachable controller fails open (after 3 x the 1 s probe): then the
  // lab's own test passes.
  // (Probed before that, the node's neighbour entry fails and ping gives up early: wait first.)
  std::this_thread::sleep_for(4s);
  EXPECT_TRUE(ping("blue", "10.0.5.101", 15)) << "standalone did not fail open";
  auto test = nsw({"test", file_, "--json"});
  EXPECT_EQ(test.code, 0) << test.out << test.err;

  // The mirror: cap sees blue's pings, captured by `nswire capture` and read by tcpdump.
  std::string pcap = std::filesystem::path(file_).parent_path() / "span.pcap";
  pid_t pid = fork();
  if (pid == 0) {
    execl(NSWIRE_BIN, NSWIRE_BIN, "capture", file_.c_str(), "cap:eth0", "-w", pcap.c_str(), "--filter", "icmp", "--count",
          "6", "--duration", "15", static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 100 && !std::filesystem::exists(pcap); ++i) std::this_thread::sleep_for(50ms);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(run({"ip", "netns", "exec", "blue", "ping", "-c", "3", "-i", "0.2", "10.0.5.101"}).exit_code, 0);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  auto read = run({"tcpdump", "-r", pcap, "-n"});
  EXPECT_EQ(read.exit_code, 0) << read.err;
  auto lines = [&](const std::string& what) {
    int n = 0;
    for (size_t at = 0; (at = read.out.find(what, at)) != std::string::npos; ++at) ++n;
    return n;
  };
  EXPECT_EQ(lines("10.0.5.100 > 10.0.5.101: ICMP echo request"), 3) << read.out;
  EXPECT_EQ(lines("10.0.5.101 > 10.0.5.100: ICMP echo reply"), 3) << read.out;

  // In sync: a second up plans nothing and writes nothing; status agrees.
  auto again = nsw({"up", file_, "--json"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_TRUE(again.j()["actions"].empty()) << again.out;
  EXPECT_EQ(nsw({"status", file_}).code, 0);

  // Drift made behind nswire's back is seen and repaired.
  run({"ovs-vsctl", "set-fail-mode", "br0", "secure"});
  run({"ovs-vsctl", "clear", "Port", trunk, "trunks"});
  run({"ovs-vsctl", "--", "--id=@m", "get", "Mirror", "span", "--", "remove", "Bridge", "br0", "mirrors", "@m"});
  auto drifted = nsw({"status", file_, "--json"});
  EXPECT_NE(drifted.code, 0) << drifted.out;
  auto plan = nsw({"plan", file_, "--json"});
  std::vector<std::string> planned;
  const json plan_json = plan.j();
  for (const auto& a : plan_json["actions"]) planned.push_back(a["op"].get<std::string>() + " " + a["kind"].get<std::string>());
  std::sort(planned.begin(), planned.end());
  EXPECT_EQ(planned, (std::vector<std::string>{"create mirror", "modify bridge", "modify port"})) << plan.out;
  ASSERT_EQ(nsw({"up", file_}).code, 0);
  EXPECT_EQ(ovs_vsctl({"get-fail-mode", "br0"}), "standalone");
  EXPECT_EQ(set_of(row("Port", trunk)["trunks"]), (std::vector<std::string>{"10", "20"}));
  EXPECT_EQ(ovs_rows({"list", "Mirror"}).size(), 1u);
  EXPECT_TRUE(nsw({"plan", file_, "--json"}).j()["actions"].empty());

  // An edit that drops settings takes them away.
  std::string edited = kLab;
  edited.replace(edited.find("    sflow:"), edited.find("nodes:") - edited.find("    sflow:"), "");
  edited.replace(edited.find(", qos: { max_rate: 10mbit }"), 27, "");
  write_lab("ovsx", edited);
  ASSERT_EQ(nsw({"up", file_}).code, 0);
  EXPECT_TRUE(ovs_rows({"list", "sFlow"}).empty());
  EXPECT_TRUE(ovs_rows({"list", "IPFIX"}).empty());
  EXPECT_TRUE(ovs_rows({"list", "Mirror"}).empty());
  EXPECT_TRUE(ovs_rows({"list", "QoS"}).empty());
  EXPECT_TRUE(nsw({"plan", file_, "--json"}).j()["actions"].empty());
}

TEST_F(OvsSettings, SecureFailModeWithoutAControllerForwardsNothing) {
  file_ = write_lab("ovss", R"(name: ovss
backend: ovs
bridges:
  br0: { controller: [tcp:127.0.0.1:6653], inactivity_probe: 1s, fail_mode: secure }
nodes:
  blue: { interfaces: { eth0: { bridge: br0, addresses: [10.0.6.100/24] } } }
  red: { interfaces: { eth0: { bridge: br0, addresses: [10.0.6.101/24] } } }
tests:
  - { from: blue, to: red, expect: unreachable, count: 3 }
)");
  ASSERT_EQ(nsw({"up", file_}).code, 0);
  std::this_thread::sleep_for(4s);  // past standalone's fail-open time (3 x the 1 s probe)
  auto test = nsw({"test", file_, "--json"});
  EXPECT_EQ(test.code, 0) << test.out << test.err;
  EXPECT_FALSE(ping("blue", "10.0.6.101", 2));
}

TEST_F(OvsSettings, CaptureWritesPcapToStdoutAndStopsOnSigint) {
  file_ = write_lab("ovsc", R"(name: ovsc
backend: ovs
bridges:
  br0: {}
nodes:
  blue: { interfaces: { eth0: { bridge: br0, addresses: [10.0.7.100/24] } } }
  red: { interfaces: { eth0: { bridge: br0, addresses: [10.0.7.101/24] } } }
)");
  ASSERT_EQ(nsw({"up", file_}).code, 0);
  ASSERT_TRUE(ping("blue", "10.0.7.101", 10));
  std::string dir = std::filesystem::path(file_).parent_path();
  // -w - into a file through the shell's redirection: stdout is the pcap; stderr the count.
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    execl("/bin/sh", "sh", "-c",
          (std::string("exec ") + NSWIRE_BIN + " capture " + file_ + " red:eth0 -w - --filter icmp > " + dir +
           "/out.pcap 2> " + dir + "/err.txt")
              .c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 100; ++i) {
    std::ifstream e(dir + "/err.txt");
    std::string s((std::istreambuf_iterator<char>(e)), {});
    if (s.find("capturing on") != std::string::npos) break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(run({"ip", "netns", "exec", "blue", "ping", "-c", "2", "-i", "0.2", "10.0.7.101"}).exit_code, 0);
  std::this_thread::sleep_for(300ms);
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::ifstream e(dir + "/err.txt");
  std::string err((std::istreambuf_iterator<char>(e)), {});
  EXPECT_NE(err.find("4 packets captured on red:eth0 (stopped by stopped)"), std::string::npos) << err;
  auto read = run({"tcpdump", "-r", dir + "/out.pcap", "-n"});
  EXPECT_EQ(read.exit_code, 0) << read.err;
  int n = 0;
  for (size_t at = 0; (at = read.out.find("ICMP echo", at)) != std::string::npos; ++at) ++n;
  EXPECT_EQ(n, 4) << read.out;
}

}  // namespace
