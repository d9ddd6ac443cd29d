// Planning a bridge's mirrors: set exactly the wanted ones in the ports phase, in the same
// transaction as the ports they name (OVS applies a mirror added to a bridge with live flows only
// to new flows), whenever they differ or a port they name is attached anew by this plan.
#include "planner.h"
#include "switch_text.h"

namespace nswire::reconcile {

void Planner::plan_mirrors() {
  for (const auto& b : d_.bridges) {
    const auto* live = judge_.bridge_on(b.backend, b.name);
    bool ok = judge_.mirrors_as_wanted(b);
    bool names_new_port = false;
    for (const auto& m : b.mirrors) {
      for (const auto* list : {&m.src, &m.dst})
        for (const auto& p : *list) names_new_port = names_new_port || attached_.count(p);
      names_new_port = names_new_port || attached_.count(m.output_port);
    }
    if (ok && !names_new_port) continue;
    if (!live && b.mirrors.empty()) continue;  // a new bridge without mirrors
    plan_.ports[b.backend].set_mirrors.push_back({b.name, b.mirrors});
    if (live && !ok) plan_.restore[b.backend].set_mirrors.push_back({b.name, live->mirrors});
    auto have = [&](const std::string& name) -> const backend::MirrorSpec* {
      if (live)
        for (const auto& m : live->mirrors)
          if (m.name == name) return &m;
      return nullptr;
    };
    for (const auto& m : b.mirrors) {
      const auto* h = have(m.name);
      if (h && *h == m && ok) continue;
      Action::Ref ref{.name = b.name + ":" + m.name, .backend = b.backend};
      add(h ? Op::modify : Op::create, Kind::mirror, ref, b.name + ":" + m.name, describe(m));
    }
    if (live)
      for (const auto& m : live->mirrors) {
        bool wanted = std::any_of(b.mirrors.begin(), b.mirrors.end(), [&](const auto& w) { return w.name == m.name; });
        if (!wanted)
          add(Op::remove, Kind::mirror, {.name = b.name + ":" + m.name, .backend = b.backend}, b.name + ":" + m.name,
              "no longer in the lab");
      }
  }
}

}  // namespace nswire::reconcile
