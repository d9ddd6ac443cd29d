#!/usr/bin/env bash
# vagrant_validate.sh: `vagrant validate` on vagrant/Vagrantfile with the default settings, with
# several VMs, with the Linux backend, and a bad BACKEND that must be refused. Exits 77 (skipped,
# CTest SKIP_RETURN_CODE) when the vagrant command is not installed (Debian package vagrant).
# Vagrant's state and home go to a temp dir; nothing is booted. --ignore-provider: the libvirt
# and VirtualBox plugins are not needed here (their settings are not checked).
set -euo pipefail
if ! command -v vagrant >/dev/null; then
  echo "vagrant_validate_integration: SKIP: no vagrant command (Debian package vagrant)"
  exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nswire-vagrant-validate.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export VAGRANT_CWD=$here/../../../vagrant VAGRANT_HOME=$tmp/home VAGRANT_DOTFILE_PATH=$tmp/dot
export VAGRANT_CHECKPOINT_DISABLE=1 VAGRANT_NO_PLUGINS=1
fail() { echo "vagrant_validate_integration: FAIL: $*" >&2; exit 1; }
check() {  # DESCRIPTION ENV=VALUE...
  local what=$1; shift
  echo "== vagrant validate ($what)"
  env "$@" vagrant validate --ignore-provider || fail "vagrant validate ($what)"
}
check "defaults"
check "LAB=examples/seed001-three-on-bridge.yaml NODES=3" LAB=examples/seed001-three-on-bridge.yaml NODES=3
check "BACKEND=linux" BACKEND=linux
if env BACKEND=bogus vagrant validate --ignore-provider >"$tmp/bad.txt" 2>&1; then
  fail "BACKEND=bogus was accepted"
fi
grep -q "BACKEND must be ovs or linux" "$tmp/bad.txt" || { cat "$tmp/bad.txt"; fail "BACKEND=bogus: no clear message"; }
echo "vagrant_validate_integration: OK"
