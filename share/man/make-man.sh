#!/usr/bin/env bash
# make-man.sh NSWIRE OUTPUT: the nswire(1) man page, generated at build time from the command's
# own help by help2man (Debian's help2man): `nswire --help` and `--version` for the page's head,
# and one COMMANDS subsection per verb from `nswire VERB --help`, so the page lists every verb and
# flag the CLI has. No network, nothing outside OUTPUT's directory is written.
set -euo pipefail
nswire=${1:?usage: make-man.sh NSWIRE OUTPUT}
output=${2:?usage: make-man.sh NSWIRE OUTPUT}
command -v help2man >/dev/null || { echo "make-man.sh: help2man not found (Debian package help2man)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/nswire-man.XXXXXX")
trap 'rm -rf "$work"' EXIT
include=$work/commands.h2m
# Run as plain `nswire` (CLI11 prints argv[0] in its usage lines), whatever path it was built at.
mkdir "$work/bin"
ln -s "$(cd "$(dirname "$nswire")" && pwd)/$(basename "$nswire")" "$work/bin/nswire"
export PATH="$work/bin:$PATH"
nswire=nswire

# The verbs, as `nswire --help` lists them under "Subcommands:" ("ls, inspect   list ...").
mapfile -t verbs < <("$nswire" --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {sub(/,.*/, "", $1); print $1}')
((${#verbs[@]} > 0)) || { echo "make-man.sh: no verbs in \`$nswire --help\`" >&2; exit 1; }

# Roman text for groff: a leading dot or quote would be a request; backslashes are escapes.
roff() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
{
  echo "[COMMANDS]"
  for v in "${verbs[@]}"; do
    echo ".SS \"nswire $v\""
    echo ".nf"
    "$nswire" "$v" --help | roff
    echo ".fi"
  done
  cat <<'TEXT'
[FILES]
.TP
.I /run/nswire/labs/LAB.json
The state record of each lab that is up: what it created, its file, since when
(\fBnswire ls\fR reads them; \fBnswire down \-\-lab LAB\fR needs nothing else).
.TP
.I /run/nswire/ovs/
The embedded Open vSwitch, started when no ovsdb-server answers: its database and logs.
.TP
.I share/nswire/lab.schema.json
The JSON Schema of the lab file (\fBnswire schema\fR), for editors:
\fB# yaml-language-server: $schema=/usr/share/nswire/lab.schema.json\fR as a file's first line.
[EXIT STATUS]
0 success; 1 failure (a test failed, an action failed and was rolled back);
2 the lab file is invalid; 3 \fBstatus\fR found drift.
[SEE ALSO]
.BR ip-netns (8),
.BR bridge (8),
.BR ovs-vsctl (8)
TEXT
} >"$include"

# The version without the git revision: the page changes only when the CLI's help does.
version=$("$nswire" --version | head -1 | sed 's/ (git .*//')
help2man --no-info --name="declarative Linux network labs" --section=1 --include="$include" \
  --version-string="$version" --output="$output.tmp" "$nswire"
mv "$output.tmp" "$output"
