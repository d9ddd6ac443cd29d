// The registry of bridge backends by name, in the shape of containerlab's node registry: one
// entry per backend (its name, its traits, its factory). It feeds the model (which names and
// settings a lab file may use, and what each backend can do), the CLI's --backend choices, and
// make_backend. A new backend is one folder under src/backend and one line in registry.cpp.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nswire/backend/bridge_backend.h"
#include "nswire/backend/traits.h"

namespace nswire::backend {

// Every registered backend, the default (for a lab that names none) first.
const Catalog& catalog();
std::vector<std::string> backend_names();

// A backend by its registered name; throws nswire::Error naming the registered ones otherwise.
std::unique_ptr<BridgeBackend> make_backend(std::string_view name, const Context& context);

}  // namespace nswire::backend
