// See report.h.
#include "nswire/probe/report.h"

#include <algorithm>
#include <cstdio>
#include <map>


namespace nswire::probe {
namespace {

const char* expectation(bool reachable) { return reachable ? "reachable" : "unreachable"; }

std::string expected_text(const Outcome& o) {
  return o.measurement ? o.measurement->expected : expectation(o.expect_reachable);
}
std::string observed_text(const Outcome& o) {
  return o.measurement ? o.measurement->observed : expectation(o.result.reached);
}
// The detail column: a measured outcome's violations, else the probe's own detail.
std::string detail_text(const Outcome& o) {
  if (!o.measurement || o.measurement->violations.empty()) return o.result.detail;
  std::string s;
  for (const auto& v : o.measurement->violations) s += (s.empty() ? "" : "; ") + v;
  return s;
}

// "10.0.0.2" for icmp, "10.0.0.2:80" / "[2001:db8::2]:80" for tcp/udp.
std::string target_text(const Outcome& o) {
  if (o.protocol == Protocol::icmp) return o.address;
  if (o.address.find(':') != std::string::npos) return "[" + o.address + "]:" + std::to_string(o.port);
  return o.address + ":" + std::to_string(o.port);
}

std::string display_name(const Outcome& o) {
  return o.name.empty() ? o.from + " -> " + o.to : o.name;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

double to_seconds(std::chrono::microseconds us) { return std::chrono::duration<double>(us).count(); }

// Column cells are ASCII in practice (node names, addresses); width is counted in code points so
// that a stray UTF-8 name does not skew the columns.
std::size_t display_width(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xc0) != 0x80; }));
}

std::string pad(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string pad_left(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : std::string(width - w, ' ') + s;
}

std::string summary_line(const Summary& s) {
  return std::to_string(s.passed) + " passed, " + std::to_string(s.failed) + " failed of " + std::to_string(s.tests);
}

}  // namespace

Summary summarize(const std::vector<Outcome>& outcomes) {
  Summary s;
  s.tests = outcomes.size();
  for (const auto& o : outcomes) ++(o.passed() ? s.passed : s.failed);
  return s;
}

std::string format_table(const std::vector<Outcome>& outcomes, bool show_passed, bool summary) {
  std::vector<const Outcome*> rows;
  for (const auto& o : outcomes)
    if (!o.passed()) rows.push_back(&o);
  if (show_passed)
    for (const auto& o : outcomes)
      if (o.passed()) rows.push_back(&o);

  const std::vector<std::string> header{"", "TEST", "PROTO", "TARGET", "EXPECTED", "OBSERVED", "DETAIL"};
  std::vector<std::vector<std::string>> cells;
  for (const Outcome* o : rows)
    cells.push_back({o->passed() ? "ok" : "FAIL", display_name(*o), to_string(o->protocol), target_text(*o),
                     expected_text(*o), observed_text(*o), detail_text(*o)});
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    width[c] = display_width(header[c]);
    for (const auto& row : cells) width[c] = std::max(width[c], display_width(row[c]));
  }
  auto line = [&](const std::vector<std::string>& row) {
    std::string s;
    for (std::size_t c = 0; c < row.size(); ++c)
      s += c + 1 == row.size() ? row[c] : pad(row[c], width[c]) + "  ";
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s + "\n";
  };
  std::string out;
  if (!cells.empty()) {
    out += line(header);
    for (const auto& row : cells) out += line(row);
  }
  return summary ? out + summary_line(summarize(outcomes)) + "\n" : out;
}

std::string format_matrix(const std::vector<Outcome>& outcomes) {
  std::vector<std::string> nodes;
  std::map<std::string, std::size_t> index;
  auto add = [&](const std::string& n) {
    if (index.emplace(n, nodes.size()).second) nodes.push_back(n);
  };
  for (const auto& o : outcomes) {
    add(o.from);
    add(o.to);
  }
  // 0 = not probed, 1 = all held, 2 = one failed.
  std::vector<std::vector<int>> cell(nodes.size(), std::vector<int>(nodes.size(), 0));
  for (const auto& o : outcomes) {
    int& c = cell[index[o.from]][index[o.to]];
    c = std::max(c, o.passed() ? 1 : 2);
  }
  const std::size_t number_width = std::to_string(nodes.size()).size();
  std::size_t name_width = 0;
  for (const auto& n : nodes) name_width = std::max(name_width, display_width(n));
  const std::size_t label_width = number_width + 1 + name_width;

  const Summary s = summarize(outcomes);
  std::string out = summary_line(s) + " (rows: from, columns: to; ✓ as expected, ✗ not as expected)\n";
  std::string header = std::string(label_width, ' ');
  for (std::size_t c = 0; c < nodes.size(); ++c) header += " " + pad_left(std::to_string(c + 1), number_width);
  out += header + "\n";
  for (std::size_t r = 0; r < nodes.size(); ++r) {
    std::string row = pad_left(std::to_string(r + 1), number_width) + " " + pad(nodes[r], name_width);
    for (std::size_t c = 0; c < nodes.size(); ++c) {
      const char* mark = cell[r][c] == 1 ? "✓" : cell[r][c] == 2 ? "✗" : r == c ? "·" : "-";
      row += " " + pad_left(mark, number_width);
    }
    out += row + "\n";
  }
  return out;
}

nlohmann::json to_json(const std::vector<Outcome>& outcomes) {
  const Summary s = summarize(outcomes);
  nlohmann::json results = nlohmann::json::array();
  for (const auto& o : outcomes) {
    nlohmann::json r = {{"name", display_name(o)},
                        {"from", o.from},
                        {"to", o.to},
                        {"address", o.address},
                        {"protocol", to_string(o.protocol)}};
    if (o.protocol != Protocol::icmp) r["port"] = o.port;
    r["expect"] = expected_text(o);
    r["observed"] = observed_text(o);
    r["passed"] = o.passed();
    r["detail"] = o.result.detail;
    if (o.measurement) {
      r["measured"] = o.measurement->figures;
      r["violations"] = o.measurement->violations;
    }
    r["rtt_us"] = o.result.rtt.count();
    r["elapsed_us"] = o.result.elapsed.count();
    results.push_back(std::move(r));
  }
  return {{"summary", {{"tests", s.tests}, {"passed", s.passed}, {"failed", s.failed}}}, {"results", results}};
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default: out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
    }
  }
  return out;
}

std::string to_junit(const std::vector<Outcome>& outcomes, const JunitOptions& options) {
  const Summary s = summarize(outcomes);
  double total = options.time.count();
  if (total <= 0)
    for (const auto& o : outcomes) total = std::max(total, to_seconds(o.result.elapsed));
  const std::string suite = xml_escape(options.suite);
  const std::string counts = " tests=\"" + std::to_string(s.tests) + "\" failures=\"" + std::to_string(s.failed) +
                             "\" errors=\"0\"";
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"" + suite + "\"" + counts + " time=\"" + seconds(total) + "\">\n";
  out += "  <testsuite name=\"" + suite + "\"" + counts + " skipped=\"0\" time=\"" + seconds(total) + "\"";
  if (!options.timestamp.empty()) out += " timestamp=\"" + xml_escape(options.timestamp) + "\"";
  out += ">\n";
  for (const auto& o : outcomes) {
    out += "    <testcase name=\"" + xml_escape(display_name(o)) + "\" classname=\"" +
           xml_escape(options.suite + "." + o.from) + "\" time=\"" + seconds(to_seconds(o.result.elapsed)) + "\">\n";
    const std::string what = std::string(to_string(o.protocol)) + " " + o.from + " -> " + o.to + " (" +
                             target_text(o) + "): expected " + expected_text(o) + ", observed " + observed_text(o) +
                             ": " + detail_text(o);
    if (!o.passed()) {
      const std::string type = o.measurement ? "out-of-bounds" : o.expect_reachable ? "unreachable" : "reachable";
      out += "      <failure message=\"" +
             xml_escape("expected " + expected_text(o) + ", observed " + observed_text(o) + ": " + detail_text(o)) +
             "\" type=\"" + type + "\">" + xml_escape(what) + "</failure>\n";
    } else {
      out += "      <system-out>" + xml_escape(what) + "</system-out>\n";
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace nswire::probe
