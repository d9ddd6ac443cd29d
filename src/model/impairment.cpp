// Impairment keys <-> the netlink value type; see include/nswire/model/impairment.h.
#include "nswire/model/impairment.h"

#include "nswire/netlink/units.h"

namespace nswire::model {
namespace {

netlink::Probability* probability(netlink::Impairment& imp, std::string_view key) {
  if (key == "loss") return &imp.loss;
  if (key == "duplicate") return &imp.duplicate;
  if (key == "corrupt") return &imp.corrupt;
  if (key == "reorder") return &imp.reorder;
  return nullptr;
}

}  // namespace

const std::vector<std::string_view>& impairment_keys() {
  static const std::vector<std::string_view> keys{"delay",   "jitter",  "loss", "duplicate",
                                                  "corrupt", "reorder", "rate", "limit"};
  return keys;
}

std::string set_impairment_key(netlink::Impairment& imp, std::string_view key, std::string_view text) {
  if (key == "delay" || key == "jitter") {
    auto d = netlink::parse_duration(text);
    if (!d.ok()) return d.problem;
    (key == "delay" ? imp.delay : imp.jitter) = d.value;
  } else if (auto* p = probability(imp, key)) {
    auto v = netlink::parse_percent(text);
    if (!v.ok()) return v.problem;
    *p = v.value;
  } else if (key == "rate") {
    auto r = netlink::parse_rate(text);
    if (!r.ok()) return r.problem;
    imp.rate_bps = r.value;
  } else if (key == "limit") {
    auto n = netlink::parse_packets(text);
    if (!n.ok()) return n.problem;
    imp.limit = n.value;
  } else {
    return "unknown key";
  }
  return {};
}

std::map<std::string, std::string> impairment_fields(const netlink::Impairment& imp) {
  std::map<std::string, std::string> out;
  if (imp.delay.count()) out["delay"] = netlink::format_duration(imp.delay);
  if (imp.jitter.count()) out["jitter"] = netlink::format_duration(imp.jitter);
  if (imp.loss) out["loss"] = netlink::format_percent(imp.loss);
  if (imp.duplicate) out["duplicate"] = netlink::format_percent(imp.duplicate);
  if (imp.corrupt) out["corrupt"] = netlink::format_percent(imp.corrupt);
  if (imp.reorder) out["reorder"] = netlink::format_percent(imp.reorder);
  if (imp.rate_bps) out["rate"] = netlink::format_rate(imp.rate_bps);
  if (imp.limit) out["limit"] = std::to_string(imp.limit);
  return out;
}

}  // namespace nswire::model
