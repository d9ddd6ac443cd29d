# lib.sh: sourced by every guest suite case (tests/vm/suite/NN-*.sh). A case is a plain bash
# script run as root in the guest; it prints what it checks and exits 0 (pass), 77 (skip: its
# last line says why) or anything else (fail). check/expect count failures; finish exits.
# shellcheck shell=bash
set -uo pipefail
WORK=${NSWIRE_VM_WORK:?run by tests/vm/guest/run-suite}
EXAMPLES=$WORK/examples
JUNIT_DIR=${NSWIRE_VM_JUNIT_DIR:-/tmp}
failures=0

say() { printf -- '-- %s\n' "$*"; }
bad() { printf 'FAILED: %s\n' "$*"; failures=$((failures + 1)); }
# check DESCRIPTION CMD...: CMD must exit 0 (its output is shown, indented).
check() {
  local what=$1 out rc; shift
  out=$("$@" 2>&1); rc=$?
  if ((rc == 0)); then printf 'ok    %s\n' "$what"; else bad "$what (exit $rc: $*)"; fi
  [[ -n $out ]] && sed 's/^/      | /' <<<"$out" | head -n 40
  return $rc
}
# refuse DESCRIPTION CMD...: CMD must exit non-zero.
refuse() {
  local what=$1 out rc; shift
  out=$("$@" 2>&1); rc=$?
  if ((rc != 0)); then printf 'ok    %s (exit %d, as expected)\n' "$what" "$rc"; else bad "$what: succeeded, expected a failure ($*)"; fi
  return 0
}
finish() {
  if ((failures == 0)); then echo "all checks passed"; exit 0; fi
  echo "$failures check(s) FAILED"; exit 1
}
# The kernel datapath holds PORT (ovs-dpctl show: the kernel's own view, not the database's).
in_kernel_datapath() { ovs-dpctl show | grep -Eq "^ +port [0-9]+: $1( |$)"; }
