// One lab file with nodes on three simulated hosts (tests/data/valid/three_hosts.yaml), brought
// up with `nswire up --host hN` run ON each host (tests/harness/hosts: its own network, mount and
// pid namespaces, Open vSwitch and, with OVN, ovn-controller), all at once; checked on every host
// with tools nswire did not write; a full mesh across hosts passes `nswire test --host hN` on each;
// a second up changes nothing; `down` on each host leaves nothing there (and, on OVN, nothing of
// the lab in the Northbound database). The backend is $NSWIRE_MULTIHOST_BACKEND (linux | ovs |
// ovn); CMake registers one test per backend with the harness options it needs.
//   linux: ONE VXLAN device per spanning bridge and host (ip -j -d link, bridge -j fdb: the
//          flood list), the tunnel's MTU on the lab's interfaces, the gateway on its host only
//   ovs:   one protected vxlan port per peer (ovs-vsctl --format=json), split horizon
//   ovn:   logical switches, ports of each host (nswire-host), the lab's router, bindings on the
//          right chassis (ovn-nbctl / ovn-sbctl --format=json), br-int ports bound by iface-id
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <future>
#include <map>
#include <set>

#include "sim_hosts.h"

using nlohmann::json;
using nswire::test::SimHost;

namespace {

const std::string kFile = NSWIRE_LAB_FILE;
const std::string kLab = "mh3";

std::string backend() {
  const char* b = std::getenv("NSWIRE_MULTIHOST_BACKEND");
  return b ? b : "linux";
}

struct Outcome {
  int code = -1;
  std::string out, err;
  json j() const { return json::parse(out); }
};

// `nswire ARGS... --backend B` on host h; `with_host` adds --host hN (else nswire finds it by address).
Outcome run_nswire(const SimHost& h, std::vector<std::string> args, bool with_host = true) {
  args.insert(args.begin(), NSWIRE_BIN);
  args.insert(args.end(), {"--backend", backend()});
  if (with_host) args.insert(args.end(), {"--host", h.name});
  auto r = h.run(args);
  return Outcome{r.exit_code, r.out, r.err};
}

// `--format=json` of ovs-vsctl / ovn-nbctl / ovn-sbctl as rows of column -> value.
json rows_of(const json& table) {
  json rows = json::array();
  for (const auto& data : table["data"]) {
    json row;
    for (size_t i = 0; i < table["headings"].size(); ++i) row[table["headings"][i].get<std::string>()] = data[i];
    rows.push_back(row);
  }
  return rows;
}

std::map<std::string, std::string> ovsdb_map(const json& v) {
  std::map<std::string, std::string> out;
  if (v.is_array() && v[0] == "map")
    for (const auto& kv : v[1]) out[kv[0]] = kv[1];
  return out;
}

json ctl(const std::vector<std::string>& args) {
  auto r = nswire::test::run(args);
  if (r.exit_code != 0) throw std::runtime_error(args[0] + ": " + r.err);
  return rows_of(json::parse(r.out));
}

// What a host holds that a lab could leave behind.
std::string inventory(const SimHost& h) {
  std::string s;
  for (const auto& n : h.ip_json("", {"netns", "list"})) s += "netns " + n["name"].get<std::string>() + "\n";
  for (const auto& l : h.ip_json("", {"link", "show"})) s += "link " + l["ifname"].get<std::string>() + "\n";
  s += "ovs " + h.check({"ovs-vsctl", "list-br"});
  // ovn-controller's own tunnel ports (external_ids:ovn-chassis-id) follow the other chassis' ports.
  s += "ports " + h.check({"sh", "-c", "ovs-vsctl --format=csv --no-headings --columns=name,external_ids list Port | "
                                       "grep -v ovn-chassis-id | sort"});
  s += "records " + h.check({"sh", "-c", "ls /run/nswire/labs 2>/dev/null || true"});
  return s;
}

class MultihostCli : public ::testing::Test {
 protected:
  void SetUp() override {
    hosts_ = nswire::test::sim_hosts();
    ASSERT_EQ(hosts_.size(), 3u);
    for (const auto& h : hosts_) before_[h.name] = inventory(h);
  }
  void TearDown() override {
    for (const auto& h : hosts_) {
      run_nswire(h, {"down", kFile});  // whatever a failed assertion left
      EXPECT_EQ(inventory(h), before_[h.name]) << h.name << ": the lab left something behind";
    }
  }
  const SimHost& host(const std::string& name) const {
    for (const auto& h : hosts_)
      if (h.name == name) return h;
    throw std::runtime_error("no host " + name);
  }
  std::vector<SimHost> hosts_;
  std::map<std::string, std::string> before_;
};

void check_linux(const std::vector<SimHost>& hosts) {
  // Which spanning bridges each host has (lan everywhere; pair on h1 and h3), and their peers.
  std::map<std::string, std::set<std::string>> spanning = {{"h1", {"lan", "pair"}}, {"h2", {"lan"}}, {"h3", {"lan", "pair"}}};
  std::map<std::string, std::set<std::string>> hosts_of = {{"lan", {"h1", "h2", "h3"}}, {"pair", {"h1", "h3"}}};
  std::map<std::string, std::string> ip;
  for (const auto& h : hosts) ip[h.name] = h.ip;
  std::map<std::string, long> vni_of;
  for (const auto& h : hosts) {
    SCOPED_TRACE(h.name);
    auto vxlans = h.ip_json("", {"-d", "link", "show", "type", "vxlan"});
    ASSERT_EQ(vxlans.size(), spanning[h.name].size());
    std::map<int, std::string> bridge_of;
    for (const auto& l : h.ip_json("", {"link", "show", "type", "bridge"})) bridge_of[l["ifindex"]] = l["ifname"];
    for (const auto& v : vxlans) {
      const auto& info = v["linkinfo"]["info_data"];
      std::string bridge = v.value("master", "");
      ASSERT_TRUE(spanning[h.name].count(bridge)) << v.dump();
      EXPECT_EQ(v["ifalias"], "nswire:" + kLab);
      EXPECT_EQ(v["mtu"], 1450);
      EXPECT_EQ(info["local"], h.ip);
      EXPECT_EQ(info["port"], 4789);
      EXPECT_EQ(v["ifname"], "vx" + std::to_string(info["id"].get<long>()));
      if (bridge == "pair") {
        EXPECT_EQ(info["id"], 4242);
      }
      // One segment: the same VNI on every host of the bridge.
      if (!vni_of.count(bridge)) vni_of[bridge] = info["id"];
      EXPECT_EQ(info["id"], vni_of[bridge]);
      // The flood list: an all-zeros entry per other host of the bridge.
      std::set<std::string> remotes, want;
      for (const auto& e : json::parse(h.check({"bridge", "-j", "fdb", "show", "dev", v["ifname"]})))
        if (e["mac"] == "00:00:00:00:00:00") remotes.insert(e["dst"]);
      for (const auto& other : hosts_of[bridge])
        if (other != h.name) want.insert(ip[other]);
      EXPECT_EQ(remotes, want) << bridge;
    }
  }
  // The gateway address is on lan's host (h2) only.
  for (const auto& h : hosts) {
    auto addresses = h.ip_json("", {"-4", "addr", "show", "dev", "lan"});
    bool has = !addresses.empty() && !addresses[0]["addr_info"].empty();
    EXPECT_EQ(has, h.name == "h2") << h.name;
  }
}

void check_ovs(const std::vector<SimHost>& hosts) {
  std::map<std::string, size_t> tunnels = {{"h1", 3}, {"h2", 2}, {"h3", 3}};  // lan: 2 peers each; pair: 1
  for (const auto& h : hosts) {
    SCOPED_TRACE(h.name);
    auto ifaces = rows_of(json::parse(h.check({"ovs-vsctl", "--format=json", "--columns=name,type,options,external_ids,error",
                                               "list", "Interface"})));
    size_t n = 0;
    for (const auto& i : ifaces) {
      if (i["type"] != "vxlan") continue;
      ++n;
      auto options = ovsdb_map(i["options"]);
      EXPECT_EQ(options["local_ip"], h.ip);
      EXPECT_NE(options["remote_ip"], h.ip);
      EXPECT_EQ(ovsdb_map(i["external_ids"])["nswire-lab"], kLab);
      auto port = rows_of(json::parse(h.check({"ovs-vsctl", "--format=json", "--columns=protected", "list", "Port", i["name"]})));
      EXPECT_EQ(port.at(0)["protected"], true) << i["name"] << ": a full mesh without split horizon loops";
    }
    EXPECT_EQ(n, tunnels[h.name]);
  }
  // A node's interface on a spanning bridge has the tunnel's MTU.
  EXPECT_EQ(hosts[0].ip_json("n1", {"link", "show", "dev", "eth0"})[0]["mtu"], 1450);
}

void check_ovn(const std::vector<SimHost>& hosts) {
  std::map<std::string, std::string> switch_of_uuid;
  auto switches = ctl({"ovn-nbctl", "--format=json", "--columns=_uuid,name,external_ids,other_config,ports", "list", "Logical_Switch"});
  std::set<std::string> names;
  for (const auto& s : switches) {
    names.insert(s["name"]);
    EXPECT_EQ(ovsdb_map(s["external_ids"])["nswire-lab"], kLab);
    if (s["name"] == "pair") {
      EXPECT_EQ(ovsdb_map(s["other_config"])["requested-tnl-key"], "4242");
    }
  }
  // Three hosts brought them up at once: still one switch per bridge.
  EXPECT_EQ(switches.size(), 3u);
  EXPECT_EQ(names, (std::set<std::string>{"lan", "local", "pair"}));
  // One port per node interface, marked with the host it lives on, bound on that host's chassis.
  std::map<std::string, std::string> host_of_port;
  for (const auto& p : ctl({"ovn-nbctl", "--format=json", "--columns=name,type,external_ids,up", "list", "Logical_Switch_Port"})) {
    if (p["type"] == "router") continue;
    host_of_port[p["name"]] = ovsdb_map(p["external_ids"])["nswire-host"];
    EXPECT_EQ(p["up"], true) << p.dump();
  }
  EXPECT_EQ(host_of_port, (std::map<std::string, std::string>{{"mh3/n1:eth0", "h1"}, {"mh3/n1:eth1", "h1"}, {"mh3/n2:eth0", "h2"},
                                                              {"mh3/n3:eth0", "h3"}, {"mh3/n3:eth1", "h3"}, {"mh3/n3:eth2", "h3"},
                                                              {"mh3/n4:eth0", "h3"}}));
  std::map<std::string, std::string> chassis;
  for (const auto& c : ctl({"ovn-sbctl", "--format=json", "--columns=_uuid,name", "list", "Chassis"})) chassis[c["_uuid"][1]] = c["name"];
  for (const auto& b : ctl({"ovn-sbctl", "--format=json", "--columns=logical_port,chassis", "list", "Port_Binding"})) {
    auto it = host_of_port.find(b["logical_port"]);
    if (it == host_of_port.end()) continue;
    ASSERT_TRUE(b["chassis"].is_array() && b["chassis"][0] == "uuid") << b.dump();
    EXPECT_EQ(chassis[b["chassis"][1]], it->second) << it->first;
  }
  // The gateway: the lab's router with lan's address.
  auto routers = ctl({"ovn-nbctl", "--format=json", "--columns=name,external_ids", "list", "Logical_Router"});
  ASSERT_EQ(routers.size(), 1u);
  EXPECT_EQ(routers[0]["name"], kLab);
  auto router_ports = ctl({"ovn-nbctl", "--format=json", "--columns=name,networks", "list", "Logical_Router_Port"});
  ASSERT_EQ(router_ports.size(), 1u);
  EXPECT_EQ(router_ports[0]["networks"], "10.40.0.1/24");
  // On each host, its node ports are br-int ports bound by iface-id.
  for (const auto& h : hosts) {
    auto ifaces = rows_of(json::parse(h.check({"ovs-vsctl", "--format=json", "--columns=name,external_ids", "list", "Interface"})));
    size_t bound = 0;
    for (const auto& i : ifaces) {
      auto ids = ovsdb_map(i["external_ids"]);
      if (!ids.count("iface-id") || ids["nswire-lab"] != kLab) continue;
      ++bound;
      EXPECT_EQ(host_of_port[ids["iface-id"]], h.name) << ids["iface-id"];
    }
    EXPECT_EQ(bound, h.name == "h1" ? 2u : h.name == "h2" ? 1u : 4u) << h.name;
  }
  // OVN's Geneve leaves 1442 of a 1500 underlay.
  EXPECT_EQ(hosts[0].ip_json("n1", {"link", "show", "dev", "eth0"})[0]["mtu"], 1442);
}

size_t lab_rows_in_northbound() {
  size_t n = 0;
  for (const char* table : {"Logical_Switch", "Logical_Switch_Port", "Logical_Router", "Logical_Router_Port"})
    for (const auto& r : ctl({"ovn-nbctl", "--format=json", "--columns=external_ids", "list", table}))
      n += ovsdb_map(r["external_ids"])["nswire-lab"] == kLab;
  return n;
}

}  // namespace

TEST_F(MultihostCli, OneFileOnThreeHostsMeshesAcrossThemAndDownLeavesNothing) {
  SCOPED_TRACE("backend " + backend());
  for (const auto& h : hosts_) {
    auto v = run_nswire(h, {"validate", kFile});
    ASSERT_EQ(v.code, 0) << v.err;
  }
  // An unknown host is refused, saying which there are.
  auto bad = run_nswire(hosts_[0], {"up", kFile, "--host", "h9"}, false);
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("no such host (hosts: h1 (192.168.100.11), h2 (192.168.100.12), h3 (192.168.100.13))"), std::string::npos)
      << bad.err;

  // Up on every host at once: h1 told which it is, h2 and h3 find it by their address.
  std::vector<std::future<Outcome>> ups;
  for (const auto& h : hosts_)
    ups.push_back(std::async(std::launch::async, [&] { return run_nswire(h, {"up", kFile, "--json"}, h.name == "h1"); }));
  for (size_t i = 0; i < hosts_.size(); ++i) {
    Outcome up = ups[i].get();
    ASSERT_EQ(up.code, 0) << hosts_[i].name << ": " << up.err;
    EXPECT_EQ(up.j()["host"], hosts_[i].name);
    EXPECT_GT(up.j()["actions"].size(), 3u);
  }

  if (backend() == "linux") check_linux(hosts_);
  if (backend() == "ovs") check_ovs(hosts_);
  if (backend() == "ovn") check_ovn(hosts_);

  for (const auto& h : hosts_) {
    SCOPED_TRACE(h.name);
    auto status = run_nswire(h, {"status", kFile, "--json"});
    EXPECT_EQ(status.code, 0) << status.out;
    EXPECT_TRUE(status.j()["in_sync"]);
    auto again = run_nswire(h, {"up", kFile, "--json"});
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_TRUE(again.j()["actions"].empty()) << again.out;
  }

  // The tests whose `from` node is on each host, run there: a full mesh across hosts.
  std::map<std::string, size_t> probes = {{"h1", 5}, {"h2", 2}, {"h3", 3}};
  for (const auto& h : hosts_) {
    SCOPED_TRACE(h.name);
    auto test = run_nswire(h, {"test", kFile, "--json"});
    EXPECT_EQ(test.code, 0) << test.out << test.err;
    auto j = test.j();
    EXPECT_EQ(j["failed"], 0);
    EXPECT_EQ(j["passed"], probes[h.name]);
    std::map<std::string, std::string> node_host = {{"n1", "h1"}, {"n2", "h2"}, {"n3", "h3"}, {"n4", "h3"}};
    for (const auto& r : j["results"]["results"]) {
      EXPECT_TRUE(r["passed"]) << r.dump();
      EXPECT_EQ(node_host[r["from"]], h.name) << "a probe run on another host than its from node's";
    }
  }
  // The oracle's own ping across hosts agrees: n1 (h1) reaches n3 (h3) on both shared bridges.
  EXPECT_TRUE(host("h1").ping("n1", "10.40.0.13", 5));
  EXPECT_TRUE(host("h1").ping("n1", "10.41.0.13", 5));

  // Down host by host: each leaves nothing of its own; on OVN the shared switches go with the last.
  for (size_t i = 0; i < hosts_.size(); ++i) {
    const auto& h = hosts_[i];
    auto down = run_nswire(h, {"down", kFile, "--json"}, i != 1);  // h2 finds its host from the record / address
    ASSERT_EQ(down.code, 0) << h.name << ": " << down.err;
    EXPECT_EQ(inventory(h), before_[h.name]) << h.name;
    if (backend() == "ovn") {
      size_t left = lab_rows_in_northbound();
      if (i + 1 < hosts_.size()) EXPECT_GT(left, 0u) << "the other hosts' part went with " << h.name << "'s";
      else EXPECT_EQ(left, 0u) << "rows of the lab left in the Northbound database";
    }
  }
  if (backend() == "ovn") {
    EXPECT_TRUE(ctl({"ovn-nbctl", "--format=json", "list", "Logical_Switch"}).empty());
    EXPECT_TRUE(ctl({"ovn-nbctl", "--format=json", "list", "Logical_Router"}).empty());
  }
  // And down again changes nothing.
  for (const auto& h : hosts_) EXPECT_EQ(run_nswire(h, {"down", kFile}).code, 0);
}
