#!/usr/bin/env bash
# provision_test.sh BUILD_DIR: runs vagrant/provision.sh the way CI does, inside the sandbox
# (tests/harness/sandbox with NSWIRE_SANDBOX_OVS=1, so the Open vSwitch is the sandbox's private
# one): no package installs, no systemd, install prefix, logs and JUnit report in a temp dir,
# the build tree BUILD_DIR reused (target nswire only).
#   run 1: LAB=examples/seed001-three-on-bridge.yaml BACKEND=ovs; the lab must stay up (checked
#          with ip/ovs-vsctl), the script must say how to enter a node (that works) and how to
#          take the lab down;
#   run 2: the same with NSWIRE_PROVISION_DOWN=1: re-provisioning reconciles (nothing to change),
#          the tests pass again, and the lab is gone at the end.
# Both runs must exit 0 with a JUnit report of 0 failures. Before them, a bad BACKEND and a
# missing LAB must be refused with a clear message before anything is built.
set -euo pipefail
build=${1:?usage: provision_test.sh BUILD_DIR}
build=$(cd "$build" && pwd)
repo=$(cd "$(dirname "$0")/../../.." && pwd)
[[ ${NSWIRE_SANDBOX_INSIDE:-} == 1 && -n ${NSWIRE_OVSDB:-} ]] \
  || { echo "provision_test: run me inside tests/harness/sandbox with NSWIRE_SANDBOX_OVS=1" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nswire-provision-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "provision_test: FAIL: $*" >&2; exit 1; }

provision() {  # RUN [ENV=VALUE...]
  local run=$1; shift
  echo "== provision run $run"
  local rc=0
  env LAB=examples/seed001-three-on-bridge.yaml BACKEND=ovs \
    NSWIRE_PROVISION_SKIP_DEPS=1 NSWIRE_PROVISION_SKIP_SYSTEMD=1 \
    NSWIRE_PROVISION_PREFIX="$tmp/prefix" NSWIRE_PROVISION_BUILD_DIR="$build" \
    NSWIRE_PROVISION_BUILD_TARGET=nswire NSWIRE_PROVISION_JOBS=2 \
    NSWIRE_PROVISION_LOG_DIR="$tmp/logs-$run" NSWIRE_PROVISION_JUNIT="$tmp/junit-$run.xml" \
    "$@" bash "$repo/vagrant/provision.sh" >"$tmp/out-$run.txt" 2>&1 || rc=$?
  cat "$tmp/out-$run.txt"
  ((rc == 0)) || fail "run $run: provision.sh exited $rc"
  local junit=$tmp/junit-$run.xml
  [[ -s $junit ]] || fail "run $run: no JUnit report at $junit"
  grep -q '<testsuite .*tests="[1-9][0-9]*" failures="0"' "$junit" \
    || { cat "$junit"; fail "run $run: JUnit report does not show >0 tests and 0 failures"; }
}

# Bad settings are refused before anything is built or created.
refused() {  # EXPECTED-MESSAGE ENV=VALUE...
  local expected=$1; shift
  if env NSWIRE_PROVISION_SKIP_DEPS=1 NSWIRE_PROVISION_SKIP_SYSTEMD=1 NSWIRE_PROVISION_PREFIX="$tmp/prefix" \
       NSWIRE_PROVISION_BUILD_DIR="$tmp/no-build" "$@" bash "$repo/vagrant/provision.sh" >"$tmp/refused.txt" 2>&1; then
    fail "provision.sh accepted $*"
  fi
  grep -q -- "$expected" "$tmp/refused.txt" || { cat "$tmp/refused.txt"; fail "provision.sh $*: no '$expected'"; }
  [[ ! -e $tmp/no-build && ! -e $tmp/prefix ]] || fail "provision.sh $* built or installed before refusing"
}
refused "BACKEND must be ovs or linux" BACKEND=bogus
refused "examples/seed001-three-on-bridge.yaml" LAB=examples/no-such-lab.yaml

provision 1
lab=$repo/examples/seed001-three-on-bridge.yaml
out=$(cat "$tmp/out-1.txt")
[[ $out == *"exec $lab "*" -- bash"* ]] \
  || fail "run 1 does not say how to enter a node (nswire exec LAB NODE -- bash)"
[[ $out == *"down $lab"* ]] || fail "run 1 does not say how to take the lab down"
# Left running: the independent oracles see namespaces and (BACKEND=ovs) OVS bridges, the
# installed nswire sees the lab in sync, and a node named in the message can be entered.
[[ -n $(ip netns list) ]] || fail "after run 1, no namespaces (lab not left up)"
[[ -n $(ovs-vsctl --timeout=10 list-br) ]] || fail "after run 1, no OVS bridge (BACKEND=ovs)"
"$tmp/prefix/bin/nswire" status --backend ovs "$lab" >/dev/null || fail "after run 1, nswire status reports drift"
node=$(sed -n 's/.* exec [^ ]* \([^ ]*\) -- bash$/\1/p' "$tmp/out-1.txt" | head -n 1)
[[ -n $node ]] || fail "no node name in the exec hint"
"$tmp/prefix/bin/nswire" exec "$lab" "$node" -- ip -o link show lo >/dev/null \
  || fail "nswire exec into node $node failed"

provision 2 NSWIRE_PROVISION_DOWN=1
grep -q 'is up: 0 change' "$tmp/out-2.txt" || fail "run 2: re-provisioning a lab in sync changed something"
[[ -z $(ip netns list) ]] || fail "after run 2 (NSWIRE_PROVISION_DOWN=1), namespaces remain: $(ip netns list | tr '\n' ' ')"
[[ -z $(ovs-vsctl --timeout=10 list-br) ]] || fail "after run 2, OVS bridges remain: $(ovs-vsctl list-br | tr '\n' ' ')"
echo "provision_test: OK"
