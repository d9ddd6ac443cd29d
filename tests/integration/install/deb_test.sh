#!/usr/bin/env bash
# deb_test.sh BUILD_DIR VERSION: the Debian package, end to end. CPack builds it from BUILD_DIR
# (cmake/NswirePackage.cmake); dpkg-deb reads its control data and contents; dpkg installs it
# into a throwaway root with its own package database (`dpkg --root`), so this machine's own
# system and dpkg database are untouched (checked); the installed nswire is then used: --version,
# validate and the JSON Schema on the installed examples, the man page, the bash completion, and a
# lab up, tested and down (run in the sandbox: tests/harness/sandbox). Finally `dpkg -r` removes
# every file it installed.
set -euo pipefail
build=$(cd "${1:?usage: deb_test.sh BUILD_DIR VERSION}" && pwd)
version=${2:?usage: deb_test.sh BUILD_DIR VERSION}
fail() { echo "deb_test: FAIL: $*" >&2; exit 1; }
[[ ${NSWIRE_SANDBOX_INSIDE:-} == 1 ]] || fail "run inside tests/harness/sandbox (it brings a lab up)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nswire-deb-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg_state_before=$(md5sum /var/lib/dpkg/status)

echo "== cpack"
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; fail "cpack"; }
deb=$tmp/pkg/nswire_${version}_amd64.deb
[[ -f $deb ]] || fail "no $deb ($(ls "$tmp/pkg"))"

echo "== dpkg-deb"
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == nswire ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$version" ]] || fail "Version: $(field Version)"
for dep in libc6 libstdc++6 libyaml-cpp0.7 libmnl0 libgvc6; do
  field Depends | grep -q "\b$dep\b" || fail "Depends lacks $dep: $(field Depends)"
done
contents=$(dpkg-deb -c "$deb" | awk '{print $NF}')
for f in ./usr/bin/nswire ./usr/share/nswire/lab.schema.json ./usr/share/man/man1/nswire.1 \
         ./usr/share/bash-completion/completions/nswire ./usr/share/zsh/vendor-completions/_nswire \
         ./usr/share/fish/vendor_completions.d/nswire.fish ./usr/share/nswire/examples/seed001-three-on-bridge.yaml; do
  grep -qxF "$f" <<<"$contents" || fail "$f not in the package"
done
! grep -q '\.a$\|/include/' <<<"$contents" || fail "the package carries the static libraries or headers"

echo "== dpkg --root (a throwaway root with its own database)"
root=$tmp/root
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info"
touch "$root/var/lib/dpkg/status"
# The dependencies are this machine's, not the empty root's: --force-depends.
dpkg --root="$root" --force-depends -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i"; }
dpkg --root="$root" -s nswire | grep -q '^Status: install ok installed' || fail "not installed in the root"
[[ $(md5sum /var/lib/dpkg/status) == "$dpkg_state_before" ]] || fail "the machine's dpkg database changed"
! dpkg-query -W nswire >/dev/null 2>&1 || fail "nswire is registered in the machine's own dpkg database"

echo "== the installed nswire"
n=$root/usr/bin/nswire
share=$root/usr/share
"$n" --version | head -1 | grep -q "^nswire $version " || fail "--version: $("$n" --version | head -1)"
for f in "$share"/nswire/examples/*.yaml; do
  [[ $f == *attach* ]] && continue  # they need a pid or path of this machine
  "$n" validate "$f" >/dev/null || fail "installed nswire refuses $f"
done
/usr/bin/python3 - "$share/nswire" <<'PY' || fail "installed examples against the installed schema"
import json, pathlib, re, sys
import jsonschema, yaml
share = pathlib.Path(sys.argv[1])
schema = json.loads((share / "lab.schema.json").read_text())
for f in sorted((share / "examples").glob("*.yaml")):
    text = f.read_text()
    m = re.search(r"^# yaml-language-server: \$schema=(\S+)$", text, re.M)
    assert m and (f.parent / m.group(1)).resolve() == (share / "lab.schema.json").resolve(), f"{f}: schema line {m and m.group(1)}"
    jsonschema.validate(yaml.safe_load(text.replace("__PID__", "4242")), schema)
print("installed examples: schema lines resolve, documents valid")
PY
MANWIDTH=100 man -l "$share/man/man1/nswire.1" | grep -q "nswire ls" || fail "man page"
got=$(bash -c 'source "$1"; COMP_WORDS=(nswire up --backend ""); COMP_CWORD=3; _nswire; echo "${COMPREPLY[*]}"' _ \
      "$share/bash-completion/completions/nswire")
[[ $got == "linux ovs" ]] || fail "installed bash completion: $got"

lab=$share/nswire/examples/seed001-three-on-bridge.yaml
"$n" up "$lab" >/dev/null || fail "up"
"$n" ls | grep -q "seed001-bridge .* up " || fail "ls: $("$n" ls)"
"$n" test "$lab" | tail -1 | grep -q " 0 failed" || fail "test"
"$n" down "$lab" >/dev/null || fail "down"
[[ -z $(ip netns list) ]] || fail "namespaces left: $(ip netns list)"

echo "== dpkg -r"
dpkg --root="$root" -r nswire >"$tmp/dpkg-r.log" 2>&1 || { cat "$tmp/dpkg-r.log"; fail "dpkg -r"; }
left=$(find "$root" -type f ! -path "$root/var/lib/dpkg/*")
[[ -z $left ]] || fail "files left after dpkg -r: $left"
[[ $(md5sum /var/lib/dpkg/status) == "$dpkg_state_before" ]] || fail "the machine's dpkg database changed"
echo "deb_test: nswire_${version}_amd64.deb built, installed into a dpkg root, used, removed"
