// Lab file -> model with yaml-cpp. One pass over the document: each map's keys are walked
// in order (so unknown and duplicate keys are seen, not silently ignored), each value is
// checked for its type and syntax, and every finding becomes a Diagnostic at the value's
// line:column. Cross-object rules live in validate.cpp.
#include "nswire/model/parse.h"

#include <sys/stat.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "nswire/backend/endpoint.h"
#include "parser.h"
#include "source.h"

namespace nswire::model {
namespace detail {
namespace {

// Counts documents without building them.
class DocumentCounter : public YAML::EventHandler {
 public:
  int documents = 0;
  YAML::Mark last_start;
  void OnDocumentStart(const YAML::Mark& mark) override {
    ++documents;
    last_start = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Where a second document starts, if there is one. yaml-cpp 0.7's LoadAll can loop forever
// on some malformed input (it keeps reporting empty documents), so documents are counted
// here, two at most, and only the first is loaded.
std::optional<YAML::Mark> second_document(std::string_view text) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  DocumentCounter counter;
  for (int i = 0; i < 2 && parser.HandleNextDocument(counter); ++i) {
  }
  if (counter.documents < 2) return std::nullopt;
  return counter.last_start;
}

}  // namespace

Lab Parser::run(std::string_view text) {
  max_work_ = kWorkSlack + kWorkPerByte * static_cast<long>(text.size());
  Lab lab;
  lab.loc = {file_, 1, 1};
  YAML::Node root;
  std::optional<YAML::Mark> second;
  try {
    root = YAML::Load(std::string(text));
    second = second_document(text);
  } catch (const YAML::ParserException& e) {
    Location where{file_, e.mark.is_null() ? 0 : e.mark.line + 1,
                   e.mark.is_null() ? 0 : e.mark.column + 1};
    error(where, "YAML syntax error: " + e.msg);
    return lab;
  } catch (const YAML::Exception& e) {
    error({file_, 0, 0}, std::string("YAML error: ") + e.what());
    return lab;
  }
  if (!root.IsDefined() || root.IsNull()) {
    error(lab.loc, "empty lab file (expected a map with at least \"name\")");
    return lab;
  }
  if (second) {
    error({file_, second->line + 1, second->column + 1}, "more than one YAML document in a lab file");
  }
  if (!root.IsMap()) {
    error(loc(root), std::string("the lab file must be a map, not ") + kind_name(root));
    return lab;
  }
  readable_ = true;
  try {
    parse_top(root, lab);
  } catch (const Abort&) {
    readable_ = false;
  } catch (const YAML::Exception& e) {
    error({file_, 0, 0}, std::string("YAML error: ") + e.what());
  }
  return lab;
}

void Parser::parse_settings(const backend::BackendInfo& b, const YAML::Node& v, Lab& lab) {
  Keys names;  // a backend's settings come from the catalog, not the table
  for (const auto& s : b.traits.settings) names.push_back(s.key);
  entries(v, b.name, names, [&](const std::string& k, const YAML::Node&, const YAML::Node& d) {
    auto s = scalar(d, b.name, k);
    if (!s) return;
    const auto& setting = *b.traits.setting(k);
    if (setting.endpoint) {
      if (auto p = backend::endpoint_problem(*s); !s->empty() && !p.empty()) {
        error(loc(d), b.name + ": " + k + " " + quote(*s) + " " + p);
        return;
      }
    } else if (std::find(setting.values.begin(), setting.values.end(), *s) == setting.values.end()) {
      error(loc(d), b.name + ": bad " + k + " " + quote(*s) + " (expected " + one_of(setting.values) + ")");
      return;
    }
    lab.settings[b.name][k] = *s;
  });
}

void Parser::parse_top(const YAML::Node& root, Lab& lab) {
  // Every backend's settings, defaults first; a backend with settings has a top-level section.
  Keys top = keys("lab");
  for (const auto& b : catalog_) {
    if (b.traits.settings.empty()) continue;
    top.push_back(b.name);
    for (const auto& setting : b.traits.settings) lab.settings[b.name][setting.key] = setting.default_value;
  }
  if (!catalog_.empty()) lab.backend = catalog_.front().name;
  entries(root, "", top,
          [&](const std::string& key, const YAML::Node&, const YAML::Node& v) {
            if (key == "version") {
              if (auto n = integer(v, "", key)) {
                if (*n != 1) {
                  error(loc(v), "unsupported version " + std::to_string(*n) +
                                    " (this nswire reads version 1)");
                }
                // lab.version keeps 1: the rest is read as version 1 to find more errors.
              }
            } else if (key == "name") {
              if (auto s = scalar(v, "", key)) lab.name = *s;
            } else if (key == "backend") {
              if (auto b = backend(v, "")) lab.backend = *b;
            } else if (const auto* b = backend::find_backend(catalog_, key)) {
              if (is_map(v, "", key)) parse_settings(*b, v, lab);
            } else if (key == "hosts") {
              if (!is_map(v, "", key)) return;
              entries(v, "", {}, [&](const std::string& name, const YAML::Node& k, const YAML::Node& h) {
                lab.hosts.push_back(parse_host(name, k, h));
              }, "host");
            } else if (key == "bridges") {
              if (!is_map(v, "", key)) return;
              entries(v, "", {}, [&](const std::string& name, const YAML::Node& k, const YAML::Node& b) {
                lab.bridges.push_back(parse_bridge(name, k, b));
              }, "bridge");
            } else if (key == "nodes") {
              if (!is_map(v, "", key)) return;
              entries(v, "", {}, [&](const std::string& name, const YAML::Node& k, const YAML::Node& n) {
                lab.nodes.push_back(parse_node(name, k, n));
              }, "node");
            } else if (key == "links") {
              if (!is_list(v, "", key)) return;
              size_t i = 0;
              for (const auto& item : v) {
                tick();
                if (auto l = parse_link(item, ++i)) lab.links.push_back(std::move(*l));
              }
            } else if (key == "tests") {
              if (!is_list(v, "", key)) return;
              size_t i = 0;
              for (const auto& item : v) {
                tick();
                if (auto t = parse_test(item, ++i)) lab.tests.push_back(std::move(*t));
              }
            }
          });
}

Bridge Parser::parse_bridge(const std::string& name, const YAML::Node& key, const YAML::Node& v) {
  Bridge b;
  b.name = name;
  b.loc = loc(key);
  std::string ctx = "bridge " + quote(name);
  if (!is_map(v, ctx, "")) return b;
  entries(v, ctx, keys("bridge"),
          [&](const std::string& k, const YAML::Node& kn, const YAML::Node& x) {
            if (parse_bridge_option(ctx, k, x, b)) {
              b.option_keys[k] = loc(kn);
            } else if (k == "host") {
              if (auto s = scalar(x, ctx, k)) b.host = *s;
            } else if (k == "vni") {
              b.vni = integer(x, ctx, k);
            } else if (k == "tunnel") {
              b.tunnel = scalar(x, ctx, k);
            } else if (k == "backend") {
              b.backend = backend(x, ctx);
            } else if (k == "addresses") {
              b.addresses = cidrs(x, ctx, k);
            } else if (k == "stp") {
              b.stp = boolean(x, ctx, k).value_or(false);
            } else if (k == "mtu") {
              b.mtu = integer(x, ctx, k);
            }
          });
  return b;
}


}  // namespace detail

using detail::Parser;

ParseError::ParseError(std::vector<Diagnostic> diagnostics)
    : nswire::Error([&] {
        std::string all;
        for (const auto& d : diagnostics) {
          if (d.severity != Severity::error) continue;
          if (!all.empty()) all += "\n";
          all += d.to_string();
        }
        return all;
      }()),
      diagnostics_(std::move(diagnostics)) {}

Lab parse_document(std::string_view text, const std::string& filename, const backend::Catalog& backends,
                   std::vector<Diagnostic>& diagnostics, bool& readable) {
  Parser parser(filename, backends, diagnostics);
  Lab lab = parser.run(text);
  readable = parser.readable();
  return lab;
}

Lab parse_string(std::string_view text, const std::string& filename, const backend::Catalog& backends,
                 std::vector<Diagnostic>& diagnostics) {
  bool readable = false;
  return parse_document(text, filename, backends, diagnostics, readable);
}

std::optional<std::string> read_lab_file(const std::string& path, std::vector<Diagnostic>& diagnostics) {
  auto refuse = [&](const std::string& why) {
    diagnostics.push_back(make_error({path, 0, 0}, why));
    return std::nullopt;
  };
  // Looked at before it is opened: a FIFO or a device would block or never end.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return refuse(std::string("cannot open the lab file: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return refuse("the lab file is a directory");
  if (!S_ISREG(st.st_mode)) {
    const char* what = S_ISFIFO(st.st_mode)  ? "a FIFO"
                       : S_ISCHR(st.st_mode) ? "a character device"
                       : S_ISBLK(st.st_mode) ? "a block device"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "of another kind";
    return refuse(std::string("the lab file is ") + what + ", not a regular file; nothing was read");
  }
  if (st.st_size > kMaxLabFileBytes) return refuse("the lab file is larger than 16 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return refuse(std::string("cannot open the lab file: ") + std::strerror(errno));
  std::string text;
  text.resize(static_cast<size_t>(st.st_size));
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) return refuse("cannot read the lab file");
  if (in.peek() != std::char_traits<char>::eof()) return refuse("the lab file grew while it was read");
  return text;
}

Lab parse_file(const std::string& path, const backend::Catalog& backends, std::vector<Diagnostic>& diagnostics) {
  auto text = read_lab_file(path, diagnostics);
  if (!text) return {};
  return parse_string(*text, path, backends, diagnostics);
}

Lab parse_string(std::string_view text, const std::string& filename, const backend::Catalog& backends) {
  std::vector<Diagnostic> diags;
  Lab lab = parse_string(text, filename, backends, diags);
  if (has_errors(diags)) throw ParseError(std::move(diags));
  return lab;
}

Lab parse_file(const std::string& path, const backend::Catalog& backends) {
  std::vector<Diagnostic> diags;
  Lab lab = parse_file(path, backends, diags);
  if (has_errors(diags)) throw ParseError(std::move(diags));
  return lab;
}

}  // namespace nswire::model
