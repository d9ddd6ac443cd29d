// `nswire ls` (alias `inspect`): every lab on this machine from its state record, each judged
// against its file (up / partial / drifted / busy / orphaned); `nswire ls NAME` details one.
#include "common.h"

#include <ctime>
#include <iostream>

#include "nswire/model/validate.h"
#include "nswire/reconcile/inventory.h"
#include "nswire/reconcile/record.h"
#include "output.h"

namespace nswire::cli {
namespace {

using nlohmann::json;
using reconcile::LabEntry;
using reconcile::LabState;

std::string local_time(long long t) {
  if (t <= 0) return "-";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string utc_time(long long t) {
  if (t <= 0) return "";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string joined(const std::vector<std::string>& words, const char* sep = ",") {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : sep) + w;
  return out.empty() ? "-" : out;
}

json entry_json(const LabEntry& e, bool details) {
  const auto& r = e.record;
  json j{{"lab", r.lab},
         {"state", to_string(e.state)},
         {"reason", e.reason},
         {"file", r.file},
         {"backends", r.backends},
         {"default_backend", r.backend},
         {"nodes", e.nodes},
         {"bridges", e.bridges},
         {"since", utc_time(r.since)},
         {"updated", utc_time(r.updated)}};
  if (details) {
    j["namespaces"] = r.namespaces;
    j["attached"] = r.attached;
    j["bridge_backends"] = r.bridges;
    j["objects"] = status_json(e.objects);
    j["drift"] = plan_json(e.drift);
  }
  return j;
}

std::string pad(const std::string& s, size_t w) { return s + std::string(w > s.size() ? w - s.size() : 0, ' '); }
std::string pad_left(const std::string& s, size_t w) { return std::string(w > s.size() ? w - s.size() : 0, ' ') + s; }

void print_table(const std::vector<LabEntry>& labs) {
  const std::vector<std::string> header{"LAB", "STATE", "NODES", "BRIDGES", "BACKENDS", "SINCE", "FILE"};
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : labs)
    rows.push_back({e.record.lab, to_string(e.state), std::to_string(e.nodes), std::to_string(e.bridges),
                    joined(e.record.backends), local_time(e.record.since), e.record.file.empty() ? "-" : e.record.file});
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& r : rows) width[c] = std::max(width[c], r[c].size());
  }
  auto line = [&](const std::vector<std::string>& r) {
    std::string s;
    for (size_t c = 0; c < r.size(); ++c) {
      bool number = c == 2 || c == 3;
      s += c + 1 == r.size() ? r[c] : (number ? pad_left(r[c], width[c]) : pad(r[c], width[c])) + "  ";
    }
    std::cout << s << "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
  for (const auto& e : labs) {
    if (e.state == LabState::up) continue;
    std::cout << "  " << e.record.lab << ": " << e.reason;
    if (e.state == LabState::orphaned) std::cout << " (`nswire down --lab " << e.record.lab << "` removes it)";
    std::cout << "\n";
  }
}

void print_details(const LabEntry& e, bool verbose) {
  const auto& r = e.record;
  std::cout << "lab \"" << r.lab << "\": " << to_string(e.state) << (e.reason.empty() ? "" : " (" + e.reason + ")")
            << "\n";
  std::cout << "  file      " << (r.file.empty() ? "-" : r.file) << "\n";
  std::cout << "  backends  " << joined(r.backends, ", ") << (r.backend.empty() ? "" : " (default " + r.backend + ")")
            << "\n";
  std::string nodes;
  for (const auto& n : r.namespaces) nodes += (nodes.empty() ? "" : ", ") + n;
  for (const auto& [n, path] : r.attached) nodes += (nodes.empty() ? "" : ", ") + n + " (attached " + path + ")";
  std::cout << "  nodes     " << e.nodes << (nodes.empty() ? "" : ": " + nodes) << "\n";
  std::string bridges;
  for (const auto& [b, backend] : r.bridges) bridges += (bridges.empty() ? "" : ", ") + b + " (" + backend + ")";
  std::cout << "  bridges   " << e.bridges << (bridges.empty() ? "" : ": " + bridges) << "\n";
  std::cout << "  since     " << local_time(r.since) << ", last changed " << local_time(r.updated) << "\n";
  if (!e.objects.empty()) std::cout << format_status(e.objects, verbose || e.objects.size() <= 30);
  if (!e.drift.empty()) std::cout << "drift (what `nswire up` would change):\n" << format_plan(e.drift);
  if (e.state == LabState::orphaned) std::cout << "`nswire down --lab " << r.lab << "` removes it\n";
}

int cmd_ls(const Common& c, const std::string& name) {
  reconcile::InventoryOptions o{.ovsdb = c.ovsdb};
  if (!name.empty()) {
    if (!model::is_valid_lab_name(name)) {
      std::cerr << "nswire: \"" << name << "\" is not a lab name\n";
      return kInvalid;
    }
    auto e = reconcile::inspect_lab(name, o);
    if (!e) {
      if (c.json) std::cout << json{{"lab", name}, {"state", "absent"}}.dump(2) << "\n";
      std::cerr << "nswire: no lab \"" << name << "\" on this machine (no record in " << reconcile::kLabsDir << ")\n";
      return kFailed;
    }
    if (c.json) {
      std::cout << entry_json(*e, true).dump(2) << "\n";
    } else {
      print_details(*e, c.verbose);
    }
    return e->state == LabState::up ? kOk : e->state == LabState::drifted || e->state == LabState::partial ? kDrift : kFailed;
  }
  auto labs = reconcile::list_labs(o);
  if (c.json) {
    json all = json::array();
    for (const auto& e : labs) all.push_back(entry_json(e, false));
    std::cout << json{{"labs", all}}.dump(2) << "\n";
  } else if (labs.empty()) {
    std::cout << "no labs on this machine\n";
  } else {
    print_table(labs);
  }
  return kOk;
}

}  // namespace

Verb add_ls(CLI::App& app, Common& c) {
  auto* cmd = app.add_subcommand("ls", "list the labs on this machine (state, file, counts); NAME: one in detail");
  cmd->alias("inspect");
  static std::string name;
  cmd->add_option("NAME", name, "a lab's name: its record, objects and drift");
  cmd->add_option("--ovsdb", c.ovsdb, "OVSDB server for labs whose record names none: unix:PATH or tcp:HOST:PORT");
  cmd->add_flag("--json", c.json, "machine-readable output on stdout");
  cmd->add_flag("-v,--verbose", c.verbose, "with NAME: every object, not only those that drift");
  return {cmd, [&c] { return cmd_ls(c, name); }};
}

}  // namespace nswire::cli
