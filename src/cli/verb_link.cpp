// `nswire link FILE LINK ACTION`: one link of a lab that is up, at run time. LINK is NODE:IF (a
// node interface or link end), host:IF or BRIDGE:BRIDGE (a bridge-to-bridge veth link).
//   show                    the file's impairment, the one in force, the live root qdisc and state
//   set --delay 50ms ...    the egress impairment (the file's keys; --direction both|out|in,
//                           relative to LINK: out = what LINK sends); replaces the file's
//   reset                   back to the file (impairment and state)
//   down | up               a fault: the link administratively down, or up again
// Each change is an override in the lab's state record: `status` shows it as a note, not drift,
// until `reset`/`up` or the next `nswire up` (which restores the file).
#include <cstdio>
#include <iostream>
#include <map>

#include "common.h"
#include "nswire/model/impairment.h"
#include "nswire/netlink/units.h"
#include "output.h"

namespace nswire::cli {
namespace {

using nlohmann::json;

struct LinkArgs {
  std::string link, action, direction = "both";
  std::map<std::string, std::string> values;  // impairment key -> text, from --delay etc.
  bool none = false;
};

std::string qdisc_text(const netlink::Impairment& imp) {
  if (imp.empty()) return "none";
  return std::string(imp.rate_only() ? "tbf " : "netem ") + netlink::describe(imp);
}

std::string live_text(const std::optional<netlink::RootQdisc>& q) {
  if (!q || q->is_default()) return "none";
  std::string s = q->kind + (q->impairment ? " " + netlink::describe(*q->impairment) : "");
  if (!q->is_ours()) s += " (not nswire's)";
  return s;
}

json view_json(const reconcile::Session::LinkView& v) {
  json ends = json::array();
  for (const auto& e : v.ends) {
    json q = nullptr;
    if (e.qdisc && !e.qdisc->is_default()) {
      q = {{"kind", e.qdisc->kind}, {"handle", e.qdisc->handle}, {"ours", e.qdisc->is_ours()}};
      if (e.qdisc->impairment) q["impairment"] = model::impairment_fields(*e.qdisc->impairment);
    }
    ends.push_back({{"end", e.end},
                    {"toward", e.toward},
                    {"file", model::impairment_fields(e.file)},
                    {"wanted", model::impairment_fields(e.wanted)},
                    {"overridden", e.overridden},
                    {"wanted_down", e.wanted_down},
                    {"up", e.link && e.link->up},
                    {"operstate", e.link ? e.link->operstate : "missing"},
                    {"qdisc", q},
                    {"as_wanted", e.as_wanted}});
  }
  return {{"link", v.name}, {"origin", v.origin}, {"ends", ends}};
}

void print_view(const reconcile::Session::LinkView& v) {
  std::printf("link %s (%s)\n", v.name.c_str(), v.origin.c_str());
  for (const auto& e : v.ends) {
    std::string state = !e.link ? "missing" : std::string(e.link->up ? "up" : "down") + ", " + e.link->operstate;
    std::string overridden = e.overridden ? " (override; file: " + qdisc_text(e.file) + ")" : "";
    std::printf("  %-3s %s: egress %s%s; live %s; %s%s%s\n", e.toward.c_str(), e.end.c_str(), qdisc_text(e.wanted).c_str(),
                overridden.c_str(), live_text(e.qdisc).c_str(), state.c_str(),
                e.wanted_down ? " (held down: override)" : "", e.as_wanted ? "" : "  ! not as wanted");
  }
}

int cmd_link(const Common& c, const LinkArgs& a) {
  auto lab = load(c, false);
  if (!lab) return kInvalid;
  netlink::Impairment impairment;
  if (a.action == "set") {
    if (a.values.empty() && !a.none) {
      std::cerr << "nswire: link set: give the impairment (--delay, --jitter, --loss, --duplicate, --corrupt, --reorder, "
                   "--rate, --limit), or --none\n";
      return kInvalid;
    }
    if (!a.values.empty() && a.none) {
      std::cerr << "nswire: link set: --none takes no impairment beside it\n";
      return kInvalid;
    }
    for (const auto& [key, text] : a.values)
      if (auto problem = model::set_impairment_key(impairment, key, text); !problem.empty()) {
        std::cerr << "nswire: link set: --" << key << " \"" << text << "\" " << problem << "\n";
        return kInvalid;
      }
    std::string issues;
    for (const auto& p : netlink::problems(impairment)) issues += (issues.empty() ? "" : ", ") + p;
    if (!issues.empty()) {
      std::cerr << "nswire: link set: " << issues << "\n";
      return kInvalid;
    }
  } else if (!a.values.empty() || a.none || a.direction != "both") {
    std::cerr << "nswire: link " << a.action << ": impairment options go with `set`\n";
    return kInvalid;
  }
  if (!model::resolve_link_name(*lab, a.link)) {
    std::cerr << "nswire: link " << a.link << ": names no interface or link of lab \"" << lab->name
              << "\" (NODE:IF, host:IF or BRIDGE:BRIDGE)\n";
    return kInvalid;
  }
  auto session = make_session(c, *lab);
  auto start = std::chrono::steady_clock::now();
  try {
    if (a.action == "show") {
      auto view = session.show_link(a.link);
      if (c.json) std::cout << view_json(view).dump(2) << "\n";
      else print_view(view);
      return kOk;
    }
    model::Direction direction = a.direction == "out" ? model::Direction::out
                                 : a.direction == "in" ? model::Direction::in
                                                       : model::Direction::both;
    reconcile::Plan plan = a.action == "set"     ? session.impair_link(a.link, direction, impairment)
                           : a.action == "reset" ? session.reset_link(a.link)
                           : a.action == "down"  ? session.link_down(a.link)
                                                 : session.link_up(a.link);
    if (c.json) {
      std::cout << json{{"lab", lab->name}, {"link", a.link}, {"action", a.action}, {"ok", true},
                        {"actions", plan_json(plan)}, {"seconds", seconds_since(start)}}.dump(2)
                << "\n";
    } else {
      if (c.verbose) std::cout << format_plan(plan);
      std::printf("link %s: %s: %zu change(s) in %.2f s\n", a.link.c_str(), a.action.c_str(), plan.actions.size(),
                  seconds_since(start));
    }
    return kOk;
  } catch (const std::exception& e) {
    if (c.json) std::cout << json{{"lab", lab->name}, {"link", a.link}, {"action", a.action}, {"ok", false}, {"error", e.what()}}.dump(2) << "\n";
    std::cerr << "nswire: " << e.what() << "\n";
    return kFailed;
  }
}

}  // namespace

Verb add_link(CLI::App& app, Common& c) {
  auto* cmd = app.add_subcommand("link", "impair, take down or bring up one link of a lab that is up (an override until reset or up)");
  add_common(cmd, c);
  static LinkArgs a;
  cmd->add_option("LINK", a.link, "NODE:IF, host:IF or BRIDGE:BRIDGE")->required();
  cmd->add_option("ACTION", a.action, "show | set | reset | down | up")
      ->required()
      ->check(CLI::IsMember({"show", "set", "reset", "down", "up"}));
  for (auto key : model::impairment_keys()) {
    std::string k(key);
    cmd->add_option_function<std::string>("--" + k, [k](const std::string& v) { a.values[k] = v; },
                                          "set: " + k + " (the lab file's units)");
  }
  cmd->add_option("--direction", a.direction, "set: both | out (what LINK sends) | in (what it receives)")
      ->check(CLI::IsMember({"both", "out", "in"}));
  cmd->add_flag("--none", a.none, "set: no impairment at all (an override too)");
  return {cmd, [&c] { return cmd_link(c, a); }};
}

}  // namespace nswire::cli
