#!/usr/bin/env bash
# demo_build_test.sh SOURCE_DIR: scripts/demo builds only what it runs. It asks scripts/build for
# the nswire target alone (NSWIRE_BUILD_TARGETS=nswire); in a freshly configured build tree,
# what building that target runs (ninja -n) compiles no test, benchmark or fuzz target and is
# well under everything the tree builds. Configures in a temp dir; builds nothing.
set -euo pipefail
src=$(cd "${1:?usage: demo_build_test.sh SOURCE_DIR}" && pwd)
fail() { echo "FAIL: $*"; exit 1; }
grep -qE '^\s*NSWIRE_BUILD_TARGETS=nswire scripts/build$' "$src/scripts/demo" || fail "scripts/demo does not build the nswire target alone"
grep -q 'NSWIRE_BUILD_TARGETS' "$src/scripts/build" || fail "scripts/build ignores NSWIRE_BUILD_TARGETS"
command -v ninja >/dev/null || fail "ninja not installed"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nswire-demo-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cmake -S "$src" -B "$tmp" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$tmp.log" 2>&1 || { cat "$tmp.log"; rm -f "$tmp.log"; fail "configure"; }
rm -f "$tmp.log"
demo=$(ninja -C "$tmp" -n nswire | grep -c '^\[')
all=$(ninja -C "$tmp" -n all | grep -c '^\[')
if ninja -C "$tmp" -n nswire | grep -E 'tests/|bench/|fuzz|gtest'; then fail "building nswire builds tests or benchmarks"; fi
((demo * 2 < all)) || fail "building nswire runs $demo steps of the tree's $all"
echo "demo build: $demo steps for the nswire target, of $all for everything"
