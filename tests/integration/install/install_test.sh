#!/usr/bin/env bash
# install_test.sh BUILD_DIR VERSION [CMAKE_ARGS...]
# Installs the nswire build in BUILD_DIR into a temporary prefix (`cmake --install --prefix`),
# then configures, builds and runs tests/integration/install/consumer against it twice: through
# find_package(nswire) and through pkg-config (nswire.pc). Touches nothing outside its temp dir.
# CMAKE_ARGS go to the consumer's configure (compiler, flags matching the nswire build).
set -euo pipefail
build=${1:?usage: install_test.sh BUILD_DIR VERSION [CMAKE_ARGS...]}
version=${2:?usage: install_test.sh BUILD_DIR VERSION [CMAKE_ARGS...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nswire-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail() { echo "install_test: FAIL: $*" >&2; exit 1; }

echo "== cmake --install $build --prefix $prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install"; }

# What a user of the package expects to find.
[[ -x $prefix/bin/nswire ]] || fail "bin/nswire not installed"
for h in nswire/model/validate.h nswire/backend/bridge_backend.h ovsdb/client.h; do
  [[ -f $prefix/include/$h ]] || fail "header include/$h not installed"
done
config=$(find "$prefix" -name nswireConfig.cmake -print -quit)
pc=$(find "$prefix" -name nswire.pc -print -quit)
[[ -n $config ]] || fail "nswireConfig.cmake not installed"
[[ -n $pc ]] || fail "nswire.pc not installed"
[[ -n $(find "$prefix" -name 'libnswire_reconcile.a' -print -quit) ]] || fail "libnswire_reconcile.a not installed"
[[ -n $(find "$prefix" -name 'libovsdb_client.a' -print -quit) ]] || fail "libovsdb_client.a not installed"
if grep -rqs -- "$(cd "$here/../../.." && pwd)/" "$(dirname "$config")" "$pc"; then
  fail "installed package files point into the source tree"
fi
"$prefix/bin/nswire" validate "$here/../../../examples/seed001-three-on-bridge.yaml" >/dev/null \
  || fail "installed nswire cannot validate examples/seed001-three-on-bridge.yaml"
# What the command brings beside it: the schema, the completions where each shell looks under a
# prefix other than /usr, the man page.
for f in share/nswire/lab.schema.json share/bash-completion/completions/nswire share/zsh/site-functions/_nswire \
         share/fish/vendor_completions.d/nswire.fish share/man/man1/nswire.1 share/nswire/examples/vlan-access.yaml; do
  [[ -s $prefix/$f ]] || fail "$f not installed"
done
cmp -s "$prefix/share/nswire/lab.schema.json" <("$prefix/bin/nswire" schema) || fail "installed schema is not \`nswire schema\`"

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
run_consumer() {  # NAME CMAKE_ARGS...
  local name=$1; shift
  echo "== consumer via $name"
  cmake -S "$here/consumer" -B "$tmp/build-$name" "${generator[@]}" "$@" >"$tmp/configure-$name.log" 2>&1 \
    || { cat "$tmp/configure-$name.log"; fail "configure consumer ($name)"; }
  grep -q -- "-- nswire.*: $prefix" "$tmp/configure-$name.log" \
    || { cat "$tmp/configure-$name.log"; fail "consumer ($name) did not find the nswire in $prefix"; }
  cmake --build "$tmp/build-$name" >"$tmp/build-$name.log" 2>&1 \
    || { cat "$tmp/build-$name.log"; fail "build consumer ($name)"; }
  local out
  out=$("$tmp/build-$name/nswire-consumer") || fail "consumer ($name) exited $?"
  echo "$out"
  [[ $out == "lab consumer-lab: 1 bridge(s), 2 node(s)" ]] || fail "consumer ($name) printed: $out"
  out=$("$tmp/build-$name/nswire-consumer" "$here/../../../examples/seed001-three-on-bridge.yaml") \
    || fail "consumer ($name) rejected examples/seed001-three-on-bridge.yaml"
  [[ $out == "lab "*" node(s)" ]] || fail "consumer ($name) printed for seed001: $out"
}
# Only the temp prefix is searched: CMAKE_PREFIX_PATH for the package, PKG_CONFIG_PATH for nswire.pc
# (its own dependencies, libmnl, yaml-cpp and nlohmann_json, come from the system).
run_consumer find_package -DCMAKE_PREFIX_PATH="$prefix" -DNSWIRE_EXPECTED_VERSION="$version" "$@"
PKG_CONFIG_PATH="$(dirname "$pc")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" \
  run_consumer pkg-config -DNSWIRE_CONSUMER_PKGCONFIG=ON "$@"
echo "install_test: OK (binary, headers, libraries, CMake package and pkg-config file)"
