// Switch options in words; see switch_text.h.
#include "switch_text.h"

#include "nswire/netlink/units.h"

namespace nswire::reconcile {
namespace {

template <class T>
std::string list(const std::vector<T>& v) {
  std::string out;
  for (const auto& x : v) {
    if (!out.empty()) out += ",";
    if constexpr (std::is_same_v<T, std::string>) out += x;
    else out += std::to_string(x);
  }
  return out;
}

std::string map_text(const backend::StringMap& m) {
  std::string out;
  for (const auto& [k, v] : m) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out;
}

template <class T>
std::string opt(const std::optional<T>& v) {
  return v ? std::to_string(*v) : std::string();
}

}  // namespace

Fields fields(const backend::BridgeOptions& o) {
  Fields f{{"controller", list(o.controllers)},
           {"inactivity_probe", o.inactivity_probe_ms ? std::to_string(*o.inactivity_probe_ms) + "ms" : ""},
           {"fail_mode", o.fail_mode},
           {"protocols", list(o.protocols)},
           {"datapath_id", o.datapath_id},
           {"other_config", map_text(o.other_config)},
           {"external_ids", map_text(o.external_ids)}};
  std::string sflow, ipfix;
  if (o.sflow) {
    sflow = "to " + list(o.sflow->targets);
    if (!o.sflow->agent.empty()) sflow += " agent " + o.sflow->agent;
    if (o.sflow->sampling) sflow += " sampling " + opt(o.sflow->sampling);
    if (o.sflow->polling) sflow += " polling " + opt(o.sflow->polling);
    if (o.sflow->header) sflow += " header " + opt(o.sflow->header);
  }
  if (o.ipfix) {
    ipfix = "to " + list(o.ipfix->targets);
    if (o.ipfix->sampling) ipfix += " sampling " + opt(o.ipfix->sampling);
    if (o.ipfix->obs_domain_id) ipfix += " obs_domain_id " + opt(o.ipfix->obs_domain_id);
    if (o.ipfix->obs_point_id) ipfix += " obs_point_id " + opt(o.ipfix->obs_point_id);
    if (o.ipfix->cache_active_timeout) ipfix += " cache_active_timeout " + opt(o.ipfix->cache_active_timeout);
    if (o.ipfix->cache_max_flows) ipfix += " cache_max_flows " + opt(o.ipfix->cache_max_flows);
  }
  f.push_back({"sflow", sflow});
  f.push_back({"ipfix", ipfix});
  return f;
}

Fields fields(const backend::PortOptions& o) {
  std::string qos, policing;
  if (o.qos) qos = o.qos->type + " max_rate " + netlink::format_rate(o.qos->max_rate);
  if (o.policing) {
    policing = "rate " + netlink::format_rate(static_cast<uint64_t>(o.policing->rate_kbps) * 1000);
    if (o.policing->burst_kb) policing += " burst " + netlink::format_rate(static_cast<uint64_t>(o.policing->burst_kb) * 1000);
  }
  return {{"trunks", list(o.trunks)}, {"vlan_mode", o.vlan_mode}, {"qos", qos}, {"policing", policing}};
}

std::string describe(const backend::MirrorSpec& m) {
  std::string s;
  if (!m.src.empty()) s += "src " + list(m.src);
  if (!m.dst.empty()) s += (s.empty() ? "" : " ") + std::string("dst ") + list(m.dst);
  if (!m.vlans.empty()) s += (s.empty() ? "" : " ") + std::string("vlans ") + list(m.vlans);
  s += m.output_port.empty() ? " -> output_vlan " + opt(m.output_vlan) : " -> " + m.output_port;
  return s;
}

std::string describe(const Fields& f) {
  std::string out;
  for (const auto& [name, value] : f)
    if (!value.empty()) out += (out.empty() ? "" : ", ") + name + " " + value;
  return out;
}

std::string change(const Fields& want, const Fields& have) {
  std::string out;
  for (size_t i = 0; i < want.size() && i < have.size(); ++i) {
    if (want[i].second == have[i].second) continue;
    out += (out.empty() ? "" : ", ") + want[i].first + " " + (want[i].second.empty() ? "none" : want[i].second) +
           " (was " + (have[i].second.empty() ? "none" : have[i].second) + ")";
  }
  return out;
}

}  // namespace nswire::reconcile
