// The probe engine behind probe::run(): validates every probe, then drives them all in one epoll
// loop on the calling thread (see engine.cpp).
#pragma once

#include <vector>

#include "nswire/probe/probe.h"

namespace nswire::probe {

std::vector<Result> run_engine(const std::vector<Probe>& probes, const Options& options);

}  // namespace nswire::probe
