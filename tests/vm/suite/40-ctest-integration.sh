#!/usr/bin/env bash
# The project's integration test binaries (ctest), on Debian's kernel with the kernel datapath:
# the tests named in tests/vm/ctest-tests, with the command lines, timeouts and environment that
# ctest registered for them on the host (the host's `ctest --show-only=json-v1`, in ctest.json).
# Each runs in its own tests/harness/sandbox as under ctest; where a test starts a private Open
# vSwitch, that ovs-vswitchd runs its bridges on the kernel datapath of the sandbox's network
# namespace (datapath auto -> system: the module is loaded). NSWIRE_TEST_DATAPATH=system tells
# the tests which datapath to require. One JUnit testcase per test binary (ctest.xml).
source "$(dirname "$0")/lib.sh"
list=${NSWIRE_VM_OUT:?}/ctest.json
[[ -s $list ]] || { bad "no $list (the host writes it)"; finish; }
[[ -d /sys/module/openvswitch ]] || modprobe openvswitch
export NSWIRE_TEST_DATAPATH=system
xml_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' | tr -d '\000-\010\013\014\016-\037'; }
n=$(jq length "$list")
xml="" pass=0 skipped=0
for ((i = 0; i < n; i++)); do
  t=$(jq -c ".[$i]" "$list")
  name=$(jq -r .name <<<"$t")
  mapfile -t cmd < <(jq -r '.command[]' <<<"$t")
  mapfile -t envs < <(jq -r '.env[]?' <<<"$t")
  bound=$(jq -r '.timeout // 600' <<<"$t")
  skip_rc=$(jq -r '.skip_return_code // -1' <<<"$t")
  cwd=$(jq -r '.cwd // "/tmp"' <<<"$t")
  [[ -d $cwd ]] || cwd=/tmp
  log=$(mktemp)
  t0=$EPOCHREALTIME
  (cd "$cwd" && exec env "${envs[@]}" timeout -k 10 "$bound" "${cmd[@]}") >"$log" 2>&1
  rc=$?
  secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  summary=$(grep -E '^\[  (PASSED|FAILED|SKIPPED) |tests? ran' "$log" | tr '\n' ' ')
  xml+="  <testcase classname=\"ctest\" name=\"$name\" time=\"$secs\">"
  if ((rc == 0)); then
    echo "ok    $name (${secs} s) $summary"; pass=$((pass + 1))
  elif ((rc == skip_rc)); then
    echo "skip  $name (${secs} s): $(tail -n 1 "$log")"; skipped=$((skipped + 1))
    xml+="<skipped message=\"$(tail -n 1 "$log" | xml_escape)\"/>"
  else
    bad "$name exited $rc after ${secs} s$( ((rc == 124)) && echo " (timed out after $bound s)"): $summary"
    grep -E '^\[  FAILED  \]|Failure|error' "$log" | head -n 30 | sed 's/^/      | /'
    xml+="<failure message=\"exit $rc\">$(tail -n 100 "$log" | xml_escape)</failure>"
  fi
  # Skipped gtest cases say why: shown, so a kernel-datapath run that skips is visible.
  grep -A1 -E '^\[  SKIPPED \]' "$log" | grep -v '^--$' | head -n 10 | sed 's/^/      | /'
  xml+="<system-out>$(tail -n 300 "$log" | xml_escape)</system-out></testcase>"$'\n'
  rm -f "$log"
done
{
  echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo "<testsuite name=\"ctest-in-guest\" tests=\"$n\" failures=\"$failures\" skipped=\"$skipped\">"
  printf '%s' "$xml"
  echo '</testsuite>'
} >"$JUNIT_DIR/ctest.xml"
echo "ctest in the guest: $pass passed, $failures failed, $skipped skipped"
finish
