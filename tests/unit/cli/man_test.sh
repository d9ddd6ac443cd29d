#!/usr/bin/env bash
# man_test.sh MANPAGE NSWIRE: the generated nswire(1) page formats without a warning (groff -ww),
# man(1) renders it, and it has a section for every verb `nswire --help` lists, with each of the
# verb's long options, so the page cannot fall behind the CLI.
set -euo pipefail
page=${1:?usage: man_test.sh MANPAGE NSWIRE}
nswire=${2:?usage: man_test.sh MANPAGE NSWIRE}
fail() { echo "FAIL: $*"; exit 1; }
[[ -s $page ]] || fail "$page missing or empty"
warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1) || fail "groff failed: $warnings"
[[ -z $warnings ]] || fail "groff warnings: $warnings"
text=$(MANWIDTH=100 man -l "$page" 2>&1) || fail "man -l failed: $text"
grep -q '^NAME' <<<"$text" && grep -q 'nswire - declarative Linux network labs' <<<"$text" || fail "no NAME section"
mapfile -t verbs < <("$nswire" --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {sub(/,.*/, "", $1); print $1}')
((${#verbs[@]} >= 10)) || fail "only ${#verbs[@]} verbs in --help"
for v in "${verbs[@]}"; do
  grep -qF ".SS \"nswire $v\"" "$page" || fail "no section for verb $v"
  # Every long option of the verb, as its --help lists it, is in the page.
  for opt in $("$nswire" "$v" --help | grep -oE '(^|[ ,])--[a-z][a-z-]*' | tr -d ' ,' | sort -u); do
    grep -qF -- "$opt" <<<"$text" || fail "verb $v: option $opt not in the page"
  done
done
for section in COMMANDS FILES "EXIT STATUS" "SEE ALSO"; do
  grep -q "^$section" <<<"$text" || fail "no $section section"
done
echo "man: ${#verbs[@]} verbs, each with its options; no groff warning"
