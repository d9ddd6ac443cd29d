#!/usr/bin/env bash
# provision.sh: turn a Debian 12 machine into an nswire lab host, then bring a lab up on it.
# Vagrant runs it as the VM's provisioner (see Vagrantfile); it is also an ordinary script for
# any Debian 12 machine, run as root from a checkout:  sudo vagrant/provision.sh
#
#   1. installs the build and runtime packages (scripts/install-deps)
#   2. builds nswire and installs it (`cmake --install`, prefix /usr/local) -- or, when
#      NSWIRE_PROVISION_INSTALL names a build made elsewhere (a `cmake --install` tree, as a
#      directory or a tar archive), installs that instead: no packages, no compiler, no checkout
#   3. enables and starts the system Open vSwitch (systemd only; otherwise nswire talks to
#      $NSWIRE_OVSDB or starts its own embedded Open vSwitch)
#   4. `nswire up --backend $BACKEND $LAB`, then `nswire test --junit ...`
#   5. leaves the lab running and prints how to enter a node and how to take the lab down
# Every step is idempotent: provisioning again rebuilds incrementally and reconciles the lab.
#
# Environment:
#   LAB                          lab file; relative paths are taken from the repository root,
#                                then from the installed share/nswire (default examples/multi-bridge.yaml)
#   NSWIRE_PROVISION_INSTALL     a prebuilt `cmake --install` tree (directory, .tar or .tar.gz)
#                                to install under the prefix instead of building; implies
#                                NSWIRE_PROVISION_SKIP_DEPS=1 (the runtime packages must be there)
#   BACKEND                      ovs | linux (default ovs)
#   NSWIRE_REPO                  repository root (default: the directory above this script)
#   NSWIRE_PROVISION_PREFIX      install prefix (default /usr/local)
#   NSWIRE_PROVISION_BUILD_DIR   build tree (default /var/tmp/nswire-build); an existing,
#                                configured tree is reused as it is
#   NSWIRE_PROVISION_BUILD_TARGET  target to build (default all)
#   NSWIRE_PROVISION_JOBS        parallel build jobs (default: nproc)
#   NSWIRE_PROVISION_LOG_DIR     where the configure/build/install logs go (default: the build tree)
#   NSWIRE_PROVISION_JUNIT       JUnit report of `nswire test` (default /var/tmp/nswire-junit.xml)
#   NSWIRE_PROVISION_SKIP_DEPS=1     do not run scripts/install-deps (packages already there)
#   NSWIRE_PROVISION_SKIP_SYSTEMD=1  do not touch systemd (no system Open vSwitch)
#   NSWIRE_PROVISION_DOWN=1          take the lab down again at the end (CI)
#   NSWIRE_PROVISION_VM          the Vagrant machine's name (set by the Vagrantfile): the closing
#                                message then says how to log in and uses sudo
# Exit status: 0 when the lab is up and all its tests pass; 1 otherwise (the lab stays up,
# unless NSWIRE_PROVISION_DOWN=1, so it can be inspected).
set -euo pipefail

say() { printf '==> provision: %s\n' "$*"; }
die() { printf 'provision: error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "run as root (sudo $0): nswire creates namespaces, links and bridges"

prebuilt=${NSWIRE_PROVISION_INSTALL:-}
repo=${NSWIRE_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
if [[ -n $prebuilt ]]; then
  [[ -e $prebuilt ]] || die "NSWIRE_PROVISION_INSTALL=$prebuilt does not exist"
  [[ $prebuilt == /* ]] || prebuilt=$(pwd)/$prebuilt
  [[ -d $repo ]] && repo=$(cd "$repo" && pwd)
else
  [[ -f $repo/CMakeLists.txt && -d $repo/src ]] \
    || die "no nswire checkout at $repo (set NSWIRE_REPO to the repository root, or NSWIRE_PROVISION_INSTALL to a prebuilt tree)"
  repo=$(cd "$repo" && pwd)
fi

lab=${LAB:-examples/multi-bridge.yaml}
backend=${BACKEND:-ovs}
prefix=${NSWIRE_PROVISION_PREFIX:-/usr/local}
build=${NSWIRE_PROVISION_BUILD_DIR:-/var/tmp/nswire-build}
target=${NSWIRE_PROVISION_BUILD_TARGET:-all}
jobs=${NSWIRE_PROVISION_JOBS:-$(nproc)}
logs=${NSWIRE_PROVISION_LOG_DIR:-$build}
junit=${NSWIRE_PROVISION_JUNIT:-/var/tmp/nswire-junit.xml}

case $backend in ovs|linux) ;; *) die "BACKEND must be ovs or linux, not '$backend'" ;; esac
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "NSWIRE_PROVISION_JOBS must be a positive number, not '$jobs'"
# (a prebuilt tree is only installed below: its share/nswire/examples is looked at then)
resolve_lab() {
  if [[ $lab != /* ]]; then
    if [[ -f $repo/$lab ]]; then lab=$repo/$lab
    elif [[ -f $prefix/share/nswire/$lab ]]; then lab=$prefix/share/nswire/$lab
    elif [[ -f $lab ]]; then lab=$(pwd)/$lab
    fi
  fi
}
[[ $prefix == /* ]] || prefix=$(pwd)/$prefix
resolve_lab
if [[ -z $prebuilt && ! -f $lab ]]; then
  {
    echo "provision: error: lab file '$lab' not found (LAB is relative to $repo)"
    echo "labs in $repo/examples:"
    ls "$repo"/examples/*.yaml 2>/dev/null | sed "s|^$repo/|  |" || echo "  (none)"
  } >&2
  exit 1
fi
[[ $prefix == /* ]] || prefix=$(pwd)/$prefix
[[ $build == /* ]] || build=$(pwd)/$build
[[ $junit == /* ]] || junit=$(pwd)/$junit
[[ $logs == /* ]] || logs=$(pwd)/$logs

if [[ -n $prebuilt ]]; then
  say "prebuilt nswire $prebuilt; lab $lab; backend $backend; prefix $prefix"
else
  say "repository $repo; lab $lab; backend $backend; prefix $prefix"
fi

# 1. Packages.
if [[ -n $prebuilt ]]; then
  say "prebuilt nswire: installing no packages (the runtime ones must be there)"
  for tool in ip:iproute2 ping:iputils-ping; do
    command -v "${tool%%:*}" >/dev/null || die "${tool%%:*} not found: install the Debian package ${tool#*:}"
  done
elif [[ ${NSWIRE_PROVISION_SKIP_DEPS:-0} == 1 ]]; then
  say "skipping package installation (NSWIRE_PROVISION_SKIP_DEPS=1)"
elif [[ -x $repo/scripts/install-deps || -f $repo/scripts/install-deps ]]; then
  say "installing packages (scripts/install-deps)"
  bash "$repo/scripts/install-deps"
else
  say "warning: $repo/scripts/install-deps not found; assuming the packages are installed"
fi
missing=()
[[ -n $prebuilt ]] || for tool in cmake:cmake c++:build-essential pkg-config:pkg-config; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
((${#missing[@]} == 0)) || die "missing build tools; install the Debian packages: ${missing[*]}"
if [[ $backend == ovs ]] && ! command -v ovsdb-server >/dev/null; then
  say "warning: ovsdb-server not found (Debian package openvswitch-switch); the OVS backend needs it"
fi

# 2. Build and install (or install the prebuilt tree).
if [[ -n $prebuilt ]]; then
  say "installing the prebuilt nswire into $prefix"
  mkdir -p "$prefix"
  if [[ -d $prebuilt ]]; then
    cp -a "$prebuilt/." "$prefix/"
    n=$(find "$prebuilt" -type f | wc -l)
  else
    tar -xf "$prebuilt" -C "$prefix" || die "cannot unpack $prebuilt"
    n=$(tar -tf "$prebuilt" | grep -vc '/$' || true)
  fi
  say "$n file(s) installed"
  resolve_lab
  if [[ ! -f $lab ]]; then
    echo "provision: error: lab file '$lab' not found (in $repo or in $prefix/share/nswire)" >&2
    ls "$prefix"/share/nswire/examples/*.yaml 2>/dev/null | sed 's|^|  |' >&2
    exit 1
  fi
else
mkdir -p "$build" "$logs"
# Quiet unless something fails: then the end of the log, and where the rest is.
run_logged() {  # WHAT LOG CMD...
  local what=$1 log=$2; shift 2
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "$what failed (full log: $log)"
  fi
}
if [[ -f $build/CMakeCache.txt ]]; then
  home=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")
  [[ $home -ef $repo ]] \
    || die "$build is the build tree of $home, not of $repo; set NSWIRE_PROVISION_BUILD_DIR"
  say "reusing the build tree $build"
else
  say "configuring $build"
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  run_logged configure "$logs/provision-configure.log" \
    cmake -S "$repo" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DNSWIRE_TESTS=OFF -DNSWIRE_BENCH=OFF
fi
say "building ($target, $jobs jobs; log $logs/provision-build.log)"
run_logged build "$logs/provision-build.log" cmake --build "$build" --target "$target" -j"$jobs"
say "installing into $prefix"
run_logged "cmake --install" "$logs/provision-install.log" cmake --install "$build" --prefix "$prefix"
say "$(grep -c -E '^-- (Installing|Up-to-date):' "$logs/provision-install.log" || true) file(s) installed"
fi
nswire=$prefix/bin/nswire
[[ -x $nswire ]] || die "$nswire was not installed"
if [[ $(command -v nswire || true) -ef $nswire ]]; then
  cmd=nswire
else
  cmd=$nswire
fi

# 3. The system Open vSwitch.
if [[ ${NSWIRE_PROVISION_SKIP_SYSTEMD:-0} == 1 ]]; then
  say "not touching systemd (NSWIRE_PROVISION_SKIP_SYSTEMD=1)"
elif [[ -d /run/systemd/system && $(ps -p 1 -o comm= 2>/dev/null) == systemd ]]; then
  if systemctl cat openvswitch-switch.service >/dev/null 2>&1; then
    say "enabling and starting the system Open vSwitch (openvswitch-switch)"
    systemctl enable --now openvswitch-switch
  else
    say "warning: no openvswitch-switch unit (Debian package openvswitch-switch); nswire will start its embedded Open vSwitch"
  fi
else
  say "systemd is not PID 1: not starting the system Open vSwitch; nswire uses ${NSWIRE_OVSDB:-the system socket if one answers, else its embedded Open vSwitch}"
fi

# 4. The lab.
say "validating $lab"
"$nswire" validate "$lab" || die "$lab is not a valid lab file"
say "bringing the lab up: nswire up --backend $backend $lab"
"$nswire" up --backend "$backend" "$lab" \
  || die "nswire up failed (nswire rolled back what it had made; see the message above)"
say "testing: nswire test --backend $backend --junit $junit $lab"
mkdir -p "$(dirname "$junit")"
status=0
"$nswire" test --backend "$backend" --junit "$junit" "$lab" || status=$?
if ((status == 0)); then
  say "all connectivity tests passed (JUnit: $junit)"
else
  say "connectivity tests FAILED (exit $status; JUnit: $junit)"
fi

# 5. Leave it running (or not) and say how to use it.
if [[ ${NSWIRE_PROVISION_DOWN:-0} == 1 ]]; then
  say "taking the lab down (NSWIRE_PROVISION_DOWN=1)"
  "$nswire" down "$lab"
else
  # Node names, from the lab's graph: in the DOT output a node is an ellipse whose label starts
  # with its name (`node0 [shape=ellipse, label="blue..."]`).
  nodes=$("$nswire" graph "$lab" 2>/dev/null \
    | sed -n 's/.*\[shape=ellipse, label="\([^"\\]*\).*/\1/p' | tr '\n' ' ' || true)
  nodes=${nodes% }
  first=${nodes%% *}
  sudo=
  [[ -n ${NSWIRE_PROVISION_VM:-} ]] && sudo="sudo "
  cat <<EOF

The lab is up and stays up.
  lab file:   $lab (backend $backend)
  nodes:      ${nodes:-(see: $cmd graph $lab)}
EOF
  if [[ -n ${NSWIRE_PROVISION_VM:-} ]]; then
    echo "  from the host, log in first: vagrant ssh $NSWIRE_PROVISION_VM"
  fi
  cat <<EOF
  enter a node (as root):      $sudo$cmd exec $lab ${first:-NODE} -- bash
  run one command in a node:   $sudo$cmd exec $lab ${first:-NODE} -- ip -br addr
  state and drift:             $sudo$cmd status --backend $backend $lab
  run the tests again:         $sudo$cmd test --backend $backend $lab
  tear it down:                $sudo$cmd down $lab
EOF
fi
exit "$status"
