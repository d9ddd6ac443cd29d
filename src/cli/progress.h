// The progress bar of long runs (up, down, test) on a terminal: the verb, the phase, a bar,
// done/total and the time elapsed, redrawn in place on one line and cleared when the run ends.
// Only when stdout is a terminal and the output is for people (no --json); with -v the
// per-phase lines are printed through it, above the bar. Without a terminal it prints nothing.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "nswire/reconcile/progress.h"

namespace nswire::cli {

class ProgressBar {
 public:
  // Enabled when `enabled` and stdout is a terminal.
  ProgressBar(std::string verb, bool enabled);
  ~ProgressBar();  // clears the bar
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  bool enabled() const { return enabled_; }
  // A step of the run: redraws the bar (at most every 50 ms, but always for a new phase or its
  // end; not at all in the run's first 300 ms, or $NSWIRE_PROGRESS_AFTER_MS).
  void step(const reconcile::ProgressStep& s);
  // A line for people on stderr (-v), written above the bar.
  void line(const std::string& text);
  // Removes the bar from the terminal (before the run's result is printed).
  void clear();

  // The bar's text for a step, `columns` wide at most: "up  namespaces  [#####-----]  412/1000  3.2 s".
  static std::string render(const std::string& verb, const reconcile::ProgressStep& s, double seconds,
                            size_t columns);

 private:
  void draw(bool force);

  std::string verb_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point drawn_{};
  std::chrono::milliseconds show_after_;
  reconcile::ProgressStep last_{};
  bool shown_ = false;
  std::mutex lock_;
};

}  // namespace nswire::cli
