// Rendering through the Graphviz library; see include/nswire/render/render.h. The library keeps
// global state (its error buffer, plugin registry), so calls are serialised by one lock.
#include "nswire/render/render.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <memory>
#include <mutex>

#include "nswire/error.h"

namespace nswire::render {
namespace {

std::mutex graphviz_lock;
std::string graphviz_errors;  // what the library said during the current call

int collect_error(char* message) {
  graphviz_errors += message;
  return 0;
}

// One Graphviz context for the process, never freed: Graphviz 2.43 keeps the font names of its
// text-size estimates beyond gvFreeContext, and a second context reads them freed (ASan: a
// heap-use-after-free in the pango plugin on the second render). Used under graphviz_lock.
struct Context {
  GVC_t* gvc = shared();
  static GVC_t* shared() {
    static GVC_t* const gvc = gvContext();
    return gvc;
  }
};

std::string said() {
  std::string s = graphviz_errors;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.empty() ? "no message" : s;
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// The SVG renderer's output starts with an XML declaration and a DOCTYPE, which have no place
// inside an HTML body: the page keeps the <svg> element on.
std::string svg_element(const std::string& svg) {
  auto at = svg.find("<svg");
  return at == std::string::npos ? svg : svg.substr(at);
}

std::string page(const std::string& svg, std::string_view title) {
  std::string t = html_escape(title.empty() ? "nswire lab" : title);
  // Well-formed XML too (polyglot markup), so XML tools read it as well as browsers.
  return "<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>" + t +
         "</title>\n<style>body{font-family:sans-serif;margin:1em}svg{max-width:100%;height:auto}</style>\n"
         "</head>\n<body>\n<h1>" + t + "</h1>\n" + svg_element(svg) + "</body>\n</html>\n";
}

}  // namespace

std::string render(const std::string& dot, Format format, std::string_view title) {
  std::lock_guard<std::mutex> hold(graphviz_lock);
  graphviz_errors.clear();
  agusererrf before = agseterrf(collect_error);
  struct Restore {
    agusererrf f;
    ~Restore() { agseterrf(f); }
  } restore{before};

  Context context;
  if (!context.gvc) throw Error("Graphviz: cannot create a context");
  std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> graph(agmemread(dot.c_str()), agclose);
  if (!graph) throw Error("Graphviz: cannot read the graph: " + said());
  if (gvLayout(context.gvc, graph.get(), "dot") != 0) throw Error("Graphviz: dot layout failed: " + said());
  struct Layout {
    GVC_t* gvc;
    Agraph_t* g;
    ~Layout() { gvFreeLayout(gvc, g); }
  } layout{context.gvc, graph.get()};

  char* data = nullptr;
  unsigned int length = 0;
  const char* renderer = format == Format::png ? "png" : "svg";
  if (gvRenderData(context.gvc, graph.get(), renderer, &data, &length) != 0 || !data)
    throw Error(std::string("Graphviz: cannot render ") + renderer + ": " + said());
  std::string out(data, length);
  gvFreeRenderData(data);
  return format == Format::html ? page(out, title) : out;
}

std::string graphviz_version() {
  std::lock_guard<std::mutex> hold(graphviz_lock);
  Context context;
  const char* v = context.gvc ? gvcVersion(context.gvc) : nullptr;
  return v ? v : "unknown";
}

}  // namespace nswire::render
