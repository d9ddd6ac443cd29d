// The progress bar; see progress.h. It writes to stdout (the terminal it is drawn on) with a
// carriage return and "erase line" (ESC [ K), so each redraw replaces the last.
#include "progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace nswire::cli {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(50);
// A run that is over sooner shows no bar at all (no flicker on small labs);
// $NSWIRE_PROGRESS_AFTER_MS sets another delay (tests use 0).
std::chrono::milliseconds show_after() {
  const char* env = std::getenv("NSWIRE_PROGRESS_AFTER_MS");
  return std::chrono::milliseconds(env && *env ? std::atol(env) : 300);
}

size_t terminal_columns() {
  winsize w{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
  return 80;
}

}  // namespace

ProgressBar::ProgressBar(std::string verb, bool enabled)
    : verb_(std::move(verb)), enabled_(enabled && isatty(STDOUT_FILENO)), show_after_(show_after()) {}

ProgressBar::~ProgressBar() { clear(); }

std::string ProgressBar::render(const std::string& verb, const reconcile::ProgressStep& s, double seconds,
                                size_t columns) {
  char time[32];
  std::snprintf(time, sizeof time, "%.1f s", seconds);
  std::string count = s.total ? std::to_string(s.done) + "/" + std::to_string(s.total) : "";
  std::string head = verb + "  " + s.phase;
  std::string tail = (count.empty() ? "" : "  " + count) + "  " + time;
  // The bar ("  [###---]") takes what is left, 10..30 wide; on a narrow terminal it goes.
  size_t used = head.size() + tail.size() + 4;
  size_t width = std::min<size_t>(columns > used ? columns - used : 0, 30);
  std::string bar;
  if (width >= 10) {
    size_t filled = s.total ? std::min(width, s.done * width / s.total) : 0;
    bar = "  [" + std::string(filled, '#') + std::string(width - filled, '-') + "]";
  }
  std::string out = head + bar + tail;
  if (out.size() > columns) out.resize(columns);
  return out;
}

void ProgressBar::draw(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (now - start_ < show_after_) return;
  if (!force && now - drawn_ < kRedrawEvery) return;
  drawn_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  // One column short of the width: writing the last column makes some terminals wrap.
  std::string text = render(verb_, last_, secs, terminal_columns() - 1);
  std::cout << "\r\033[K" << text << std::flush;
  shown_ = true;
}

void ProgressBar::step(const reconcile::ProgressStep& s) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> hold(lock_);
  bool new_phase = s.phase != last_.phase;
  last_ = s;
  draw(new_phase || s.done == s.total);
}

void ProgressBar::line(const std::string& text) {
  std::lock_guard<std::mutex> hold(lock_);
  if (shown_) std::cout << "\r\033[K" << std::flush;
  std::cerr << "  " << text << "\n" << std::flush;
  if (shown_) draw(true);
}

void ProgressBar::clear() {
  std::lock_guard<std::mutex> hold(lock_);
  if (!shown_) return;
  std::cout << "\r\033[K" << std::flush;
  shown_ = false;
}

}  // namespace nswire::cli
