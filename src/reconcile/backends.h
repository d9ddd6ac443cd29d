// The lab's bridge backends, made on first use (so a Linux-only lab never needs Open vSwitch),
// each with the lab's settings for it.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "nswire/backend/registry.h"
#include "nswire/model/desired.h"

namespace nswire::reconcile {

class Backends {
 public:
  // `host`: the lab's host this machine is (a lab across hosts, `spans_hosts`), "" otherwise.
  Backends(std::string lab, std::string ovsdb, std::map<std::string, model::BackendSettings> settings,
           std::string host = {}, bool spans_hosts = false)
      : lab_(std::move(lab)), ovsdb_(std::move(ovsdb)), settings_(std::move(settings)), host_(std::move(host)),
        spans_hosts_(spans_hosts) {}
  backend::BridgeBackend& get(const std::string& name) {
    auto& b = made_[name];
    if (!b) {
      auto it = settings_.find(name);
      b = backend::make_backend(name, {.lab = lab_, .host = host_, .spans_hosts = spans_hosts_, .ovsdb = ovsdb_,
                                       .settings = it == settings_.end() ? model::BackendSettings{} : it->second});
    }
    return *b;
  }
  bool made(const std::string& name) const { return made_.count(name) > 0; }
  // Every backend made so far is told the lab is done with it (BridgeBackend::release).
  void release(bool labs_remain) {
    for (auto& [name, b] : made_) b->release(labs_remain);
  }

 private:
  std::string lab_, ovsdb_;
  std::map<std::string, model::BackendSettings> settings_;
  std::string host_;
  bool spans_hosts_ = false;
  std::map<std::string, std::unique_ptr<backend::BridgeBackend>> made_;
};

}  // namespace nswire::reconcile
