// Pictures of graphs through the Graphviz library (libgvc + libcgraph: agmemread, gvLayout,
// gvRenderData), never by running `dot`: SVG, PNG, or one self-contained HTML page with the SVG
// inline (no script, no external reference). Knows nothing of labs: DOT text in, bytes out.
#pragma once

#include <string>
#include <string_view>

namespace nswire::render {

enum class Format { svg, png, html };

// Lays out `dot` with the dot engine and renders it. Throws nswire::Error with Graphviz's own
// message when the text is not DOT or the layout or renderer fails. `title` heads the HTML page.
std::string render(const std::string& dot, Format format, std::string_view title = {});

// The Graphviz library's version ("2.42.2"), for `nswire --version`.
std::string graphviz_version();

}  // namespace nswire::render
