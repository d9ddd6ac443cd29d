# common.sh: shared by tests/vm/run, tests/vm/image/build and tests/vm/vagrant-up (sourced).
# Messages, stage timing, the throwaway namespace every QEMU/libvirt process of the tier runs
# in, QEMU's accelerator choice, and one bounded QEMU boot.
# shellcheck shell=bash

vm_say() { printf '== vm: %s\n' "$*"; }
vm_die() { printf 'vm: FAIL: %s\n' "$*" >&2; exit 1; }

# Stage timing: vm_stage NAME starts a stage (ending the previous one); vm_stage_end ends the
# last. Every stage's time is appended to $VM_TIMES (one "NAME SECONDS" line) and printed.
VM_TIMES=${VM_TIMES:-/dev/null}
_vm_stage_name="" _vm_stage_t0=""
vm_stage_end() {
  [[ -n $_vm_stage_name ]] || return 0
  local s
  s=$(awk -v a="$_vm_stage_t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  printf '== vm: stage %-28s %7ss   (load: %s)\n' "$_vm_stage_name" "$s" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%s %s\n' "$_vm_stage_name" "$s" >>"$VM_TIMES"
  _vm_stage_name=""
}
vm_stage() { vm_stage_end; _vm_stage_name=$1; _vm_stage_t0=$EPOCHREALTIME; vm_say "$1"; }

# QEMU's accelerator: KVM only where the CPU shows hardware virtualization (vmx/svm); this
# machine's /dev/kvm is PVM, which cannot run Debian's kernel (see the tier's README).
vm_accel_args() {
  if [[ -z ${NSWIRE_VM_ACCEL:-} ]]; then
    if grep -qE '\b(vmx|svm)\b' /proc/cpuinfo && [[ -w /dev/kvm ]]; then NSWIRE_VM_ACCEL=kvm; else NSWIRE_VM_ACCEL=tcg; fi
  fi
  case $NSWIRE_VM_ACCEL in
    kvm) echo "-accel kvm -cpu host" ;;
    tcg) echo "-accel tcg,thread=multi -cpu max" ;;
    *) vm_die "NSWIRE_VM_ACCEL must be kvm or tcg, not '$NSWIRE_VM_ACCEL'" ;;
  esac
}

# QEMU must exist and start; where it cannot, the tier fails loudly (it is never skipped).
vm_require_qemu() {
  command -v qemu-system-x86_64 >/dev/null \
    || vm_die "qemu-system-x86_64 not found (Debian package qemu-system-x86; scripts/install-deps installs it): the VM tier cannot run here"
  command -v qemu-img >/dev/null || vm_die "qemu-img not found (Debian package qemu-utils): the VM tier cannot run here"
  local out accel
  accel=$(vm_accel_args)
  # shellcheck disable=SC2086
  out=$(printf 'quit\n' | timeout 60 qemu-system-x86_64 -machine pc $accel -S -nodefaults -display none \
        -monitor stdio 2>&1) \
    || vm_die "qemu-system-x86_64 ($accel) does not start: the VM tier cannot run here: $out"
}

# vm_jail CMD...: CMD in a throwaway network + mount + pid namespace of its own. No link, no
# daemon, no mount made inside is visible outside; when CMD (pid 1 there) ends, every process
# left inside is killed by the kernel, and when the jail's unshare is killed, so is CMD.
vm_jail() {
  unshare --net --mount --pid --fork --mount-proc --kill-child \
    bash -c 'mount --make-rprivate / && ip link set lo up && exec "$@"' vm-jail "$@"
}

# vm_boot NAME BOUND_S BOOT_BOUND_S OUTDIR QEMU_ARGS...
# Boots one guest in a jail with its console on OUTDIR/NAME.console (first serial port) and the
# guest's own messages on OUTDIR/NAME.out (second serial port). The guest must write the line
# "nswire-vm: booted" to its second serial port within BOOT_BOUND_S seconds and power off within
# BOUND_S seconds; otherwise QEMU (the process tree started here) is killed and the reason printed
# with the end of the console (and left in VM_BOOT_WHY). Returns non-zero unless the guest powered
# off by itself.
vm_boot() {
  local name=$1 bound=$2 boot_bound=$3 dir=$4; shift 4
  local console=$dir/$name.console out=$dir/$name.out
  : >"$console"; : >"$out"
  local t0=$SECONDS
  # shellcheck disable=SC2046
  timeout --kill-after=10 "$bound" unshare --net --mount --pid --fork --mount-proc --kill-child \
    qemu-system-x86_64 -name "nswire-$name" -machine pc $(vm_accel_args) -smp "${NSWIRE_VM_CPUS:-2}" \
      -m "${NSWIRE_VM_MEMORY:-2048}" -nodefaults -display none -monitor none -no-reboot -nic none \
      -device virtio-rng-pci -serial "file:$console" -serial "file:$out" "$@" \
      >"$dir/$name.qemu.log" 2>&1 &
  local pid=$! booted=0 why=""
  while kill -0 "$pid" 2>/dev/null; do
    if ((!booted)); then
      if grep -q '^nswire-vm: booted' "$out" 2>/dev/null; then
        booted=1
        vm_say "$name: guest booted in $((SECONDS - t0)) s"
      elif ((SECONDS - t0 > boot_bound)); then
        why="the guest did not boot within $boot_bound s"
        kill "$pid" 2>/dev/null
        break
      fi
    fi
    sleep 1
  done
  local rc=0
  wait "$pid" || rc=$?
  if [[ -z $why ]]; then
    if ((rc == 124 || rc == 137)); then why="the guest did not power off within $bound s (hung?)"
    elif ((rc != 0)); then why="qemu exited with status $rc: $(tail -n 5 "$dir/$name.qemu.log")"
    elif ((!booted)); then why="the guest powered off without booting its suite (see its console)"; rc=1
    fi
  fi
  VM_BOOT_WHY=$why
  if [[ -n $why ]]; then
    printf 'vm: FAIL: %s: %s (after %d s); qemu ended (killed through timeout pid %d). Last console lines (%s):\n' \
      "$name" "$why" "$((SECONDS - t0))" "$pid" "$console" >&2
    tail -n 25 "$console" | sed 's/\r$//; s/^/    | /' >&2
    ((rc != 0)) || rc=1
  else
    vm_say "$name: guest powered off after $((SECONDS - t0)) s"
  fi
  return "$rc"
}
