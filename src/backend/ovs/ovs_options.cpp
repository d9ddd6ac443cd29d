// A lab's switch options in Open_vSwitch rows, both ways; see ovs_options.h.
#include "ovs_options.h"

#include <algorithm>
#include <charconv>

namespace nswire::backend::ovs {
namespace {

constexpr const char* kDatapathId = "datapath-id";
constexpr const char* kMaxRate = "max-rate";

std::optional<uint64_t> to_u64(const std::string& s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

BridgeOptions observe_bridge(const vs::Bridge& b, const std::string& mark_key) {
  BridgeOptions o;
  for (const auto& c : b.controllers) {
    o.controllers.push_back(c.target);
    if (c.inactivity_probe) o.inactivity_probe_ms = c.inactivity_probe;
  }
  std::sort(o.controllers.begin(), o.controllers.end());
  o.fail_mode = b.fail_mode.value_or("");
  o.protocols = b.protocols;  // sorted by the state reader
  o.other_config = b.other_config;
  if (auto it = o.other_config.find(kDatapathId); it != o.other_config.end()) {
    o.datapath_id = it->second;
    o.other_config.erase(it);
  }
  o.external_ids = b.external_ids;
  o.external_ids.erase(mark_key);
  if (b.sflow) {
    const auto& s = *b.sflow;
    o.sflow = SflowSpec{.targets = s.targets, .agent = s.agent.value_or(""), .sampling = s.sampling,
                        .polling = s.polling, .header = s.header};
  }
  if (b.ipfix) {
    const auto& x = *b.ipfix;
    o.ipfix = IpfixSpec{.targets = x.targets, .sampling = x.sampling, .obs_domain_id = x.obs_domain_id,
                        .obs_point_id = x.obs_point_id, .cache_active_timeout = x.cache_active_timeout,
                        .cache_max_flows = x.cache_max_flows};
  }
  return o;
}

PortOptions observe_port(const vs::Port& p) {
  PortOptions o;
  o.trunks = p.trunks;
  o.vlan_mode = p.vlan_mode.value_or("");
  if (p.qos && p.qos->type != kNoopQos) {
    QosSpec q{.type = p.qos->type};
    if (auto it = p.qos->other_config.find(kMaxRate); it != p.qos->other_config.end())
      q.max_rate = to_u64(it->second).value_or(0);
    o.qos = q;
  }
  // Policing is per interface; a lab's port has one.
  if (p.interfaces.size() == 1 && p.interfaces[0].ingress_policing_rate > 0)
    o.policing = PolicingSpec{.rate_kbps = p.interfaces[0].ingress_policing_rate,
                              .burst_kb = p.interfaces[0].ingress_policing_burst};
  return o;
}

MirrorSpec observe_mirror(const vs::Mirror& m) {
  return {.name = m.name, .src = m.select_src_port, .dst = m.select_dst_port, .vlans = m.select_vlan,
          .output_port = m.output_port.value_or(""), .output_vlan = m.output_vlan};
}

vs::BridgeSettings bridge_settings(const BridgeOptions& want, const vs::Bridge* have, const vs::StringMap& mark) {
  vs::BridgeSettings s;
  s.controllers = want.controllers;
  s.controller_external_ids = mark;
  s.controller_inactivity_probe = want.inactivity_probe_ms;
  s.fail_mode = want.fail_mode;
  s.protocols = want.protocols;
  s.datapath_id = want.datapath_id;
  s.set_other_config = want.other_config;
  if (have)
    for (const auto& [k, v] : have->other_config)
      if (k != kDatapathId && !want.other_config.count(k)) s.remove_other_config.push_back(k);
  if (want.sflow) {
    vs::SFlow row;
    row.targets = want.sflow->targets;
    if (!want.sflow->agent.empty()) row.agent = want.sflow->agent;
    row.sampling = want.sflow->sampling;
    row.polling = want.sflow->polling;
    row.header = want.sflow->header;
    row.external_ids = mark;
    s.sflow = row;
  } else {
    s.clear_sflow = have && have->sflow;
  }
  if (want.ipfix) {
    vs::Ipfix row;
    row.targets = want.ipfix->targets;
    row.sampling = want.ipfix->sampling;
    row.obs_domain_id = want.ipfix->obs_domain_id;
    row.obs_point_id = want.ipfix->obs_point_id;
    row.cache_active_timeout = want.ipfix->cache_active_timeout;
    row.cache_max_flows = want.ipfix->cache_max_flows;
    row.external_ids = mark;
    s.ipfix = row;
  } else {
    s.clear_ipfix = have && have->ipfix;
  }
  return s;
}

std::vector<std::string> bridge_external_ids_to_remove(const BridgeOptions& want, const vs::Bridge& have,
                                                       const std::string& mark_key) {
  std::vector<std::string> out;
  for (const auto& [k, v] : have.external_ids)
    if (k != mark_key && !want.external_ids.count(k)) out.push_back(k);
  return out;
}

vs::PortSettings port_settings(const PortOptions& want, const vs::Port* have, const vs::StringMap& mark,
                               bool keep_qdisc) {
  vs::PortSettings s;
  s.trunks = want.trunks;
  s.vlan_mode = want.vlan_mode;
  if (want.qos) {
    vs::Qos q;
    q.type = want.qos->type;
    q.other_config = {{kMaxRate, std::to_string(want.qos->max_rate)}};
    q.queues[0].other_config = {{kMaxRate, std::to_string(want.qos->max_rate)}};
    q.queues[0].external_ids = mark;
    q.external_ids = mark;
    s.qos = q;
  } else if (keep_qdisc) {
    // Written only when the port has none yet: a lab in sync writes nothing.
    if (!have || !have->qos || have->qos->type != kNoopQos) s.qos = vs::Qos{.type = kNoopQos, .external_ids = mark};
  } else {
    s.clear_qos = have && have->qos;
  }
  return s;
}

vs::InterfaceSettings interface_settings(const PortOptions& want) {
  vs::InterfaceSettings s;
  s.ingress_policing_rate = want.policing ? want.policing->rate_kbps : 0;
  s.ingress_policing_burst = want.policing ? want.policing->burst_kb : 0;
  return s;
}

vs::Mirror mirror_row(const MirrorSpec& want, const vs::StringMap& mark) {
  vs::Mirror m;
  m.name = want.name;
  m.select_src_port = want.src;
  m.select_dst_port = want.dst;
  m.select_vlan = want.vlans;
  if (!want.output_port.empty()) m.output_port = want.output_port;
  m.output_vlan = want.output_vlan;
  m.external_ids = mark;
  return m;
}

}  // namespace nswire::backend::ovs
