#!/usr/bin/env bash
# run-example.sh NSWIRE EXAMPLE.yaml [BACKEND]
#
# Brings a lab across hosts (an example with a `hosts:` section) up on the simulated hosts of
# tests/harness/hosts (run inside it: NSWIRE_HOSTS names them), the way its users would: on each
# host `nswire validate`, `nswire up` (nswire finds which host it is by its address), then on
# each `nswire test` (the probes starting there, --junit), a second `up` that must change
# nothing, `status` (exit 0); then `down` on each, `down` again; every host must hold what it
# held before (namespaces, links, OVS bridges and ports, lab records), and with OVN the
# Northbound database nothing of the lab. BACKEND, when given, is passed as --backend.
# Prints PASS/FAIL with the steps; exits 1 on any failure.
set -uo pipefail
NSWIRE=${1:?usage: run-example.sh NSWIRE EXAMPLE.yaml [BACKEND]}
EXAMPLE=${2:?usage: run-example.sh NSWIRE EXAMPLE.yaml [BACKEND]}
BACKEND=${3:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HOSTS="$HERE/../../harness/hosts"
[[ -n "${NSWIRE_HOSTS:-}" ]] || { echo "run-example.sh: run inside tests/harness/hosts" >&2; exit 2; }
read -ra hosts <<<"$NSWIRE_HOSTS"
lab=$(sed -n 's/^name:[[:space:]]*//p' "$EXAMPLE" | head -1)
extra=()
[[ -n $BACKEND ]] && extra=(--backend "$BACKEND")
T=$(mktemp -d /tmp/nswire-mh-example.XXXXXX)
trap 'rm -rf "$T"' EXIT
failed=0
fail() { echo "FAILED: $*"; failed=1; }
step() {  # step HOST NAME EXPECTED_RC VERB ARGS...: nswire VERB on HOST; stdout left in $T/out
  local h=$1 name=$2 want=$3 verb=$4; shift 4
  local rc
  "$HOSTS" --on "$h" "$NSWIRE" "$verb" "$EXAMPLE" "${extra[@]}" "$@" >"$T/out" 2>"$T/err"; rc=$?
  printf '  [%s] $ nswire %s %s %s   [rc=%d]\n' "$h" "$verb" "$(basename "$EXAMPLE")" "${extra[*]} $*" "$rc"
  grep -v 'br_netfilter' "$T/err" | sed 's/^/    | /'
  [[ $verb == up || $verb == down || $verb == test ]] && sed 's/^/    | /' "$T/out"
  [[ $rc -eq $want ]] || { fail "$h: $name exited $rc, expected $want"; return 1; }
}
# What a host holds that a lab could leave behind. ovn-controller's own tunnel ports on br-int
# (external_ids:ovn-chassis-id) come and go with the other chassis' ports: not the lab's.
inventory() {
  "$HOSTS" --on "$1" sh -c 'ip netns list; ip -o link show | awk -F": " "{sub(/@.*/, \"\", \$2); print \"link \" \$2}";
    for b in $(ovs-vsctl list-br); do echo "bridge $b"; done;
    ovs-vsctl --format=csv --no-headings --columns=name,external_ids list Port | grep -v ovn-chassis-id | sed "s/^/port /";
    ls /run/nswire/labs 2>/dev/null | sed "s/^/record /"' | sort
}
nb_rows() {  # the lab's rows in the OVN Northbound database (when the harness runs one)
  [[ -n "${OVN_NB_DB:-}" ]] || { echo 0; return; }
  for t in Logical_Switch Logical_Switch_Port Logical_Router Logical_Router_Port; do
    ovn-nbctl --format=csv --columns=external_ids list "$t"
  done | grep -c "nswire-lab=$lab"
}

declare -A before
for h in "${hosts[@]}"; do before[$h]=$(inventory "$h"); done
echo "== $(basename "$EXAMPLE") on ${hosts[*]}${BACKEND:+ --backend $BACKEND}"
for h in "${hosts[@]}"; do step "$h" validate 0 validate; done
for h in "${hosts[@]}"; do step "$h" up 0 up -v; done
for h in "${hosts[@]}"; do
  step "$h" test 0 test --junit "$T/junit-$h.xml" || continue
  grep -q '<testsuite' "$T/junit-$h.xml" || fail "$h: test --junit wrote no suite"
done
for h in "${hosts[@]}"; do
  if step "$h" "second up" 0 up --json; then
    n=$(jq '.actions | length' "$T/out")
    [[ $n == 0 ]] || fail "$h: second up is not a no-op: $n action(s)"
  fi
  step "$h" status 0 status
done
n_before=$(nb_rows)
for h in "${hosts[@]}"; do
  step "$h" down 0 down
  after=$(inventory "$h")
  [[ "$after" == "${before[$h]}" ]] || fail "$h: left behind: $(comm -13 <(echo "${before[$h]}") <(echo "$after") | tr '\n' ' ')"
done
[[ -z "${OVN_NB_DB:-}" || $n_before -gt 0 ]] || fail "the lab had no rows in the Northbound database while up"
left=$(nb_rows)
[[ $left == 0 ]] || fail "$left row(s) of lab $lab left in the Northbound database"
for h in "${hosts[@]}"; do step "$h" "down again" 0 down; done
if [[ $failed == 0 ]]; then echo "PASS $(basename "$EXAMPLE")${BACKEND:+ --backend $BACKEND}"; else echo "FAIL $(basename "$EXAMPLE")${BACKEND:+ --backend $BACKEND}"; fi
exit $failed
