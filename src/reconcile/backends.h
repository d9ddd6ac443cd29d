// The lab's bridge backends, made on first use (so a Linux-only lab never needs Open vSwitch).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "nswire/backend/bridge_backend.h"

namespace nswire::reconcile {

class Backends {
 public:
  explicit Backends(backend::Context context) : context_(std::move(context)) {}
  backend::BridgeBackend& get(const std::string& name) {
    auto& b = made_[name];
    if (!b) b = backend::make_backend(name, context_);
    return *b;
  }
  bool made(const std::string& name) const { return made_.count(name) > 0; }

 private:
  backend::Context context_;
  std::map<std::string, std::unique_ptr<backend::BridgeBackend>> made_;
};

}  // namespace nswire::reconcile
