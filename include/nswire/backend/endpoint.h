// The syntax of a database endpoint a backend setting names (`ovn: { northbound: ... }`), the
// way OVSDB clients write it (ovsdb-client(1), "Active database connection methods"):
// unix:PATH, tcp:HOST:PORT or ssl:HOST:PORT, HOST an IPv4 address, a bracketed IPv6 address or a
// name. Pure and header-only: the model's validator calls it, the backends rely on it.
#pragma once

#include <string>
#include <string_view>

namespace nswire::backend {

// Why `endpoint` is not one, or "" when it is.
inline std::string endpoint_problem(std::string_view endpoint) {
  auto after = [&](std::string_view prefix) { return endpoint.substr(0, prefix.size()) == prefix; };
  if (after("unix:")) return endpoint.size() > 5 ? "" : "unix: needs a socket path";
  std::string_view rest;
  if (after("tcp:")) rest = endpoint.substr(4);
  else if (after("ssl:")) rest = endpoint.substr(4);
  else return "is not unix:PATH, tcp:HOST:PORT or ssl:HOST:PORT";
  auto colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return "needs HOST:PORT after the scheme";
  std::string_view host = rest.substr(0, colon), port = rest.substr(colon + 1);
  if (host.front() == '[' && host.back() != ']') return "has an unclosed [ around its IPv6 address";
  if (host.find_first_of(" \t/") != std::string_view::npos) return "has a bad host";
  if (port.empty() || port.size() > 5) return "needs a port number 1..65535";
  unsigned value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return "needs a port number 1..65535";
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value < 1 || value > 65535) return "needs a port number 1..65535";
  return "";
}

}  // namespace nswire::backend
