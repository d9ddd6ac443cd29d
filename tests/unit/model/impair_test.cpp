// Link impairments, tests that measure and sequences in the model: the lab file's keys parsed
// into the model (strict units, each mistake at its line:column), the validator's rules across
// keys, flattening onto each veth end's egress (by direction, per end on links, a veth for an
// impaired bridge pair), and link names resolved to the veth a fault or `nswire link` acts on.
#include <gtest/gtest.h>

#include <algorithm>

#include "fixture.h"
#include "nswire/model/impairment.h"
#include "nswire/netlink/units.h"

using namespace nswire::model;
using namespace std::chrono_literals;
namespace netlink = nswire::netlink;

namespace {

const std::string kLab = R"(name: imp
bridges:
  br0: {}
  o1: { backend: ovs }
  o2: { backend: ovs }
nodes:
  a:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.0.1/24], netem: { delay: 20ms, jitter: 5ms, loss: 1%, duplicate: 0.1%, corrupt: 0.1%, reorder: 1%, rate: 100mbit, limit: 1000 } }
      eth1: { bridge: br0, rate: 50mbit }
      eth2: { bridge: br0, netem: { delay: 5ms, direction: out } }
      eth3: { bridge: br0, netem: { loss: 2%, direction: in } }
  b:
    interfaces:
      eth0: { bridge: br0, addresses: [10.0.0.2/24] }
links:
  - endpoints: [a:p0, b:p0]
    addresses: [[10.9.0.1/30], [10.9.0.2/30]]
    netem: [{ delay: 10ms }, ~]
  - endpoints: [a:p1, b:p1]
    rate: 20mbit
  - endpoints: [o1, o2]
    netem: { delay: 1ms }
  - endpoints: [br0, o1]
tests:
  - { from: a, to: b, rtt: { min: 40ms, max: 80ms } }
  - { from: a, to: b, loss: { min: 0.5%, max: 3% }, count: 200, interval: 5ms }
  - { from: a, to: b, throughput: { min: 40mbit, max: 52mbit }, duration: 3s, port: 6000 }
  - { from: a, to: 10.0.0.2, udp: { rate: 10mbit, loss: { max: 1% }, throughput: { min: 9mbit } } }
  - name: failover
    steps:
      - { down: a:p0 }
      - { from: a, to: 10.9.0.2, expect: unreachable, timeout_ms: 300 }
      - { up: a:p0 }
      - { from: a, to: 10.9.0.2, rtt: { max: 50ms } }
      - { down: o1:o2 }
      - { up: host:x0 }
)";

// The lab with `host:x0` as a link end, so the last fault resolves.
std::string with_host_link(std::string s) {
  s.replace(s.find("  - endpoints: [br0, o1]\n"), 25, "  - endpoints: [br0, o1]\n  - endpoints: [host:x0, b:x0]\n");
  return s;
}

Checked check(const std::string& text) { return check_string(text, "lab.yaml", nswire::backend::catalog()); }

std::string first_error(const std::string& text) {
  for (const auto& d : check(text).diagnostics)
    if (d.severity == Severity::error) return d.to_string();
  return "<no error>";
}

// kLab with `old` replaced by `now` (once).
std::string edit(const std::string& old, const std::string& now) {
  std::string s = with_host_link(kLab);
  auto at = s.find(old);
  if (at == std::string::npos) throw std::runtime_error("no " + old);
  return s.replace(at, old.size(), now);
}

const VethEnd& end_of(const Desired& d, const std::string& ns, const std::string& ifname) {
  for (const auto& v : d.veths)
    for (const auto* e : {&v.a, &v.b})
      if (e->ns == ns && e->ifname == ifname) return *e;
  throw std::runtime_error("no end " + ns + ":" + ifname);
}

const DesiredVeth& veth_of(const Desired& d, const std::string& ns, const std::string& ifname) {
  for (const auto& v : d.veths)
    if ((v.a.ns == ns && v.a.ifname == ifname) || (v.b.ns == ns && v.b.ifname == ifname)) return v;
  throw std::runtime_error("no veth " + ns + ":" + ifname);
}

netlink::Impairment imp(std::initializer_list<std::pair<const char*, const char*>> keys) {
  netlink::Impairment i;
  for (const auto& [k, v] : keys) EXPECT_EQ(set_impairment_key(i, k, v), "") << k;
  return i;
}

}  // namespace

TEST(Impair, EveryKeyOfTheIssueIsReadWithItsUnit) {
  Lab lab = fixture::lab(with_host_link(kLab));
  const auto& eth0 = lab.nodes[0].interfaces[0];
  ASSERT_TRUE(eth0.impairment);
  const auto& v = eth0.impairment->value;
  EXPECT_EQ(v.delay, 20ms);
  EXPECT_EQ(v.jitter, 5ms);
  EXPECT_EQ(v.loss, netlink::parse_percent("1%").value);
  EXPECT_EQ(v.duplicate, netlink::parse_percent("0.1%").value);
  EXPECT_EQ(v.corrupt, netlink::parse_percent("0.1%").value);
  EXPECT_EQ(v.reorder, netlink::parse_percent("1%").value);
  EXPECT_EQ(v.rate_bps, 100000000u);
  EXPECT_EQ(v.limit, 1000u);
  EXPECT_EQ(eth0.impairment->direction, Direction::both);
  EXPECT_EQ(eth0.impairment->loc.line, 9);
  const auto& eth1 = lab.nodes[0].interfaces[1];
  ASSERT_TRUE(eth1.impairment);
  EXPECT_TRUE(eth1.impairment->value.rate_only());
  EXPECT_EQ(lab.nodes[0].interfaces[2].impairment->direction, Direction::out);
  EXPECT_EQ(lab.nodes[0].interfaces[3].impairment->direction, Direction::in);
  // Links: a list is one per end (null: none), a single map or a rate both ends the same.
  EXPECT_EQ(lab.links[0].impairment[0]->value.delay, 10ms);
  EXPECT_TRUE(lab.links[0].impairment[1]->value.empty());
  EXPECT_EQ(lab.links[1].impairment[0]->value.rate_bps, 20000000u);
  EXPECT_EQ(lab.links[1].impairment[1], lab.links[1].impairment[0]);
}

TEST(Impair, MeasuringTestsAndSequencesAreRead) {
  Lab lab = fixture::lab(with_host_link(kLab));
  ASSERT_EQ(lab.tests.size(), 5u);
  const auto& rtt = lab.tests[0];
  ASSERT_TRUE(rtt.rtt);
  EXPECT_EQ(rtt.rtt->min, 40ms);
  EXPECT_EQ(rtt.rtt->max, 80ms);
  EXPECT_EQ(rtt.count, kMeasureCount) << "an rtt test without a count sends 20";
  EXPECT_EQ(rtt.interval, 10ms);
  const auto& loss = lab.tests[1];
  EXPECT_NEAR(*loss.loss->min, 0.5, 1e-6);
  EXPECT_NEAR(*loss.loss->max, 3.0, 1e-6);
  EXPECT_EQ(loss.count, 200);
  EXPECT_EQ(loss.interval, 5ms);
  const auto& tp = lab.tests[2];
  EXPECT_EQ(tp.throughput->min, 40000000u);
  EXPECT_EQ(tp.throughput->max, 52000000u);
  EXPECT_EQ(tp.duration, 3s);
  EXPECT_EQ(tp.port, 6000);
  const auto& udp = lab.tests[3];
  ASSERT_TRUE(udp.udp);
  EXPECT_EQ(udp.udp->rate_bps, 10000000u);
  EXPECT_NEAR(*udp.udp->loss.max, 1.0, 1e-6);
  EXPECT_FALSE(udp.udp->loss.min);
  EXPECT_EQ(udp.udp->throughput.min, 9000000u);
  const auto& seq = lab.tests[4];
  EXPECT_TRUE(seq.is_sequence());
  EXPECT_EQ(seq.name, "failover");
  ASSERT_EQ(seq.steps.size(), 6u);
  EXPECT_EQ(seq.steps[0].fault, Fault::down);
  EXPECT_EQ(seq.steps[0].link, "a:p0");
  EXPECT_EQ(seq.steps[1].expect, Expect::unreachable);
  EXPECT_EQ(seq.steps[2].fault, Fault::up);
  EXPECT_TRUE(seq.steps[3].rtt);
  EXPECT_EQ(seq.steps[3].count, kMeasureCount);
  EXPECT_EQ(seq.steps[4].link, "o1:o2");
}

TEST(Impair, BadValuesAreRefusedAtTheirPlace) {
  EXPECT_EQ(first_error(edit("delay: 20ms, jitter", "delay: 20, jitter")),
            "lab.yaml:9:70: node \"a\": interface \"eth0\": netem: delay \"20\" needs a unit (s, ms, us, ns), e.g. 20ms");
  EXPECT_EQ(first_error(edit("loss: 1%, dup", "loss: 101%, dup")),
            "lab.yaml:9:95: node \"a\": interface \"eth0\": netem: loss \"101%\" above 100%");
  EXPECT_EQ(first_error(edit("rate: 50mbit }", "rate: 50mbps }")),
            "lab.yaml:10:34: node \"a\": interface \"eth1\": rate \"50mbps\" \"mbps\" is ambiguous (tc reads it as bytes per "
            "second); write mbit for bits per second");
  EXPECT_EQ(first_error(edit("limit: 1000", "limit: 10.5")),
            "lab.yaml:9:166: node \"a\": interface \"eth0\": netem: limit \"10.5\" is not a whole number of packets");
  EXPECT_NE(first_error(edit("delay: 5ms, direction: out", "dleay: 5ms, direction: out")).find("unknown key \"dleay\" (did you mean \"delay\"?)"),
            std::string::npos);
  EXPECT_NE(first_error(edit("direction: out", "direction: up")).find("bad direction \"up\""), std::string::npos);
  EXPECT_NE(first_error(edit("rate: 50mbit }", "rate: 50mbit, netem: { delay: 1ms } }")).find("\"rate\" and \"netem\" both given"),
            std::string::npos);
  // The netlink layer's rules of an impairment, at the netem map.
  EXPECT_EQ(first_error(edit("netem: { loss: 2%, direction: in }", "netem: { reorder: 2% }")),
            "lab.yaml:12:35: node \"a\": interface \"eth3\": netem: reorder needs a delay");
  // direction is for node interfaces; a link says it per end.
  EXPECT_NE(first_error(edit("netem: { delay: 1ms }", "netem: { delay: 1ms, direction: out }")).find("direction is for node interfaces"),
            std::string::npos);
  EXPECT_NE(first_error(edit("netem: [{ delay: 10ms }, ~]", "netem: [{ delay: 10ms }]")).find("a list of 2 maps"), std::string::npos);
  EXPECT_NE(first_error(edit("  - endpoints: [o1, o2]\n", "  - endpoints: [o1, o2]\n    patch: native\n"))
                .find("an impairment needs a device, and a native patch has none"),
            std::string::npos);
}

TEST(Impair, MeasuringTestRulesAcrossKeys) {
  auto bad = [&](const std::string& test) { return first_error(edit("  - name: failover\n", test + "\n  - name: failover\n")); };
  EXPECT_NE(bad("  - { mesh: [a, b], rtt: { max: 5ms } }").find("a measuring test runs between one pair"), std::string::npos);
  EXPECT_NE(bad("  - { from: a, to: b, rtt: { max: 5ms }, expect: unreachable }").find("needs a working path"), std::string::npos);
  EXPECT_NE(bad("  - { from: a, to: b, rtt: { max: 5ms }, throughput: { min: 1mbit } }").find("one measurement per test"),
            std::string::npos);
  EXPECT_NE(bad("  - { from: a, to: b, throughput: { min: 1mbit }, proto: tcp }").find("takes no proto"), std::string::npos);
  EXPECT_NE(bad("  - { from: a, to: b, rtt: { min: 9ms, max: 5ms } }").find("rtt min 9ms above max 5ms"), std::string::npos);
  EXPECT_NE(bad("  - { from: a, to: 10.7.7.7, throughput: { min: 1mbit } }").find("no node's address"), std::string::npos);
  EXPECT_NE(bad("  - { from: a, to: b, udp: { loss: { max: 1% } } }").find("missing required key \"rate\""), std::string::npos);
  EXPECT_NE(bad("  - { from: a, to: b, rtt: {} }").find("needs \"min\" or \"max\""), std::string::npos);
  EXPECT_NE(bad("  - { from: a, to: b, rtt: { max: 5 } }").find("rtt: max \"5\" needs a unit"), std::string::npos);
  EXPECT_NE(bad("  - { from: a, to: b, throughput: { min: 1mbit }, duration: 90s }").find("duration 90s out of range 100ms..60s"),
            std::string::npos);
  EXPECT_NE(bad("  - { from: a, to: b, rtt: { max: 5ms }, interval: 0s }").find("interval 0s out of range"), std::string::npos);
  EXPECT_NE(bad("  - { from: a, to: b, duration: 1s }").find("duration is for throughput and udp"), std::string::npos);
  EXPECT_NE(bad("  - { from: a, to: b, interval: 1s }").find("interval is for rtt and loss"), std::string::npos);
  // Sequences: faults only inside one, on links that exist and have a device, no nesting.
  EXPECT_NE(bad("  - { down: a:p0 }").find("is a step of a sequence"), std::string::npos);
  EXPECT_NE(bad("  - steps: [ { down: a:nope } ]").find("down \"a:nope\": names no interface or link"), std::string::npos);
  EXPECT_NE(bad("  - steps: [ { down: br0:o1, from: a } ]").find("a fault step is { down: LINK } or { up: LINK }"), std::string::npos);
  EXPECT_NE(bad("  - steps: [ { steps: [ { down: a:p0 } ] } ]").find("cannot be a sequence itself"), std::string::npos);
  EXPECT_NE(bad("  - { steps: [ { down: a:p0 } ], from: a }").find("a sequence has \"steps\""), std::string::npos);
  EXPECT_NE(bad("  - steps: []").find("lists nothing"), std::string::npos);
  EXPECT_NE(bad("  - steps: [ { from: a, to: nosuch } ]").find("step 1 (a -> nosuch): \"to\" \"nosuch\" is neither a node nor an IP"),
            std::string::npos);
}

TEST(Impair, AFaultOnANativePatchIsRefused) {
  // o1 and o2 are OVS bridges: without an impairment, their link is a native patch.
  std::string s = edit("    netem: { delay: 1ms }\n", "");
  EXPECT_NE(first_error(s).find("down \"o1:o2\": a native patch has no device to take down"), std::string::npos) << first_error(s);
}

TEST(Impair, FlattenPutsEachImpairmentOnTheEgressItActsOn) {
  auto d = fixture::desired(with_host_link(kLab));
  auto host_of = [&](const std::string& node, const std::string& ifname) { return veth_of(d, node, ifname).a; };
  const auto full = d.veths[0].b.impairment;  // a:eth0's, both ways
  EXPECT_EQ(end_of(d, "a", "eth0").impairment.delay, 20ms);
  EXPECT_EQ(host_of("a", "eth0").impairment, full) << "both: what a receives too";
  EXPECT_EQ(end_of(d, "a", "eth1").impairment, imp({{"rate", "50mbit"}}));
  EXPECT_EQ(host_of("a", "eth1").impairment, imp({{"rate", "50mbit"}}));
  EXPECT_EQ(end_of(d, "a", "eth2").impairment, imp({{"delay", "5ms"}})) << "out: what a sends";
  EXPECT_TRUE(host_of("a", "eth2").impairment.empty());
  EXPECT_TRUE(end_of(d, "a", "eth3").impairment.empty());
  EXPECT_EQ(host_of("a", "eth3").impairment, imp({{"loss", "2%"}})) << "in: what a receives";
  EXPECT_TRUE(end_of(d, "b", "eth0").impairment.empty());
  EXPECT_EQ(end_of(d, "a", "p0").impairment, imp({{"delay", "10ms"}}));
  EXPECT_TRUE(end_of(d, "b", "p0").impairment.empty());
  EXPECT_EQ(end_of(d, "a", "p1").impairment, imp({{"rate", "20mbit"}}));
  EXPECT_EQ(end_of(d, "b", "p1").impairment, imp({{"rate", "20mbit"}}));
  // An impaired pair of OVS bridges is joined by a veth (devices to impair), the plain one natively.
  EXPECT_TRUE(d.patches.empty());
  const auto& o = std::find_if(d.veths.begin(), d.veths.end(), [](const auto& v) { return v.origin == "link o1 <-> o2"; });
  ASSERT_NE(o, d.veths.end());
  EXPECT_EQ(o->a.impairment, imp({{"delay", "1ms"}}));
  EXPECT_EQ(o->b.impairment, imp({{"delay", "1ms"}}));
  auto plain = fixture::desired("name: p\nbridges: { o1: { backend: ovs }, o2: { backend: ovs } }\nlinks:\n  - endpoints: [o1, o2]\n");
  EXPECT_EQ(plain.patches.size(), 1u);
}

TEST(Impair, LinkNamesResolveToTheVethAndTheEndAFaultTakesDown) {
  Lab lab = fixture::lab(with_host_link(kLab));
  auto d = flatten(lab, nswire::backend::catalog());
  // A node interface: its node end is named; a fault takes it down at the bridge side.
  auto i = find_veth(d, lab, "a:eth0");
  ASSERT_TRUE(i);
  EXPECT_EQ(d.veths[i->veth].b.ifname, "eth0");
  EXPECT_FALSE(i->named_a);
  EXPECT_TRUE(i->fault_a) << "the host end, a port: a keeps its addresses and routes";
  // A node-to-node link end: itself, either end.
  auto p = find_veth(d, lab, "b:p0");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->named_a);
  EXPECT_FALSE(p->fault_a);
  EXPECT_EQ(d.veths[p->veth].a.ifname, "p0");
  EXPECT_EQ(d.veths[p->veth].a.ns, "a");
  // A bridge pair, in either order; a host link end.
  auto br = find_veth(d, lab, "o2:o1");
  ASSERT_TRUE(br);
  EXPECT_FALSE(br->named_a);
  EXPECT_EQ(d.veths[br->veth].b.bridge, "o2");
  auto h = find_veth(d, lab, "host:x0");
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->named_a);
  EXPECT_EQ(d.veths[h->veth].a.ns, kHost);
  // A node-to-bridge link: its bridge side goes down.
  auto nb = find_veth(d, lab, "br0:o1");
  ASSERT_TRUE(nb);
  EXPECT_FALSE(find_veth(d, lab, "a:nope"));
  EXPECT_FALSE(find_veth(d, lab, "a"));
  EXPECT_FALSE(find_veth(d, lab, "br0:br0"));
}

TEST(Impair, FieldsRoundTripThroughTheirText) {
  auto full = imp({{"delay", "20ms"}, {"jitter", "1500us"}, {"loss", "0.001%"}, {"duplicate", "0.1%"},
                   {"corrupt", "100%"}, {"reorder", "25%"}, {"rate", "1500kbit"}, {"limit", "7"}});
  auto fields = impairment_fields(full);
  EXPECT_EQ(fields.at("jitter"), "1500us");
  EXPECT_EQ(fields.at("rate"), "1500kbit");
  netlink::Impairment back;
  for (const auto& [k, v] : fields) EXPECT_EQ(set_impairment_key(back, k, v), "") << k;
  EXPECT_EQ(back, full);
  EXPECT_TRUE(impairment_fields({}).empty());
  netlink::Impairment x;
  EXPECT_EQ(set_impairment_key(x, "bandwidth", "1mbit"), "unknown key");
}
