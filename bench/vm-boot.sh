#!/bin/bash
# Boot -> SSH of Kiln's Debian base image under QEMU, with the command line Kiln's QEMU backend uses
# (QemuCommand), several runs per variant, interleaved, medians at the end.
#
#   bench/vm-boot.sh [RUNS]            default 5 runs of each variant
#   BASE=/path/to/debian-12 bench/vm-boot.sh
#   VARIANTS="kiln bzimage smp1" bench/vm-boot.sh 3
#
# BASE is a cached base image folder (disk.qcow2, vmlinux, vmlinuz, initrd.img, image.json), made by
# `./kiln base-images build debian-12` or by the tests (/var/tmp/kiln-test-cache/base-images/debian-12).
# Variants:
#   kiln     what Kiln runs: q35, TCG, -cpu max, 2 vCPUs, 1 GiB, the uncompressed vmlinux (PVH entry)
#   bzimage  the same with the compressed kernel (the guest decompresses it)
#   smp1     the same as kiln with 1 vCPU
#   nokargs  the same as kiln without the image's kernel arguments (no quiet, audit, mitigations)
# "ready" is wall time from starting qemu to the first successful `ssh true` (the host key pinned from
# the seed, so this also checks the seed contract); kernel/userspace are systemd-analyze's figures.
set -euo pipefail
RUNS=${1:-5}
BASE=${BASE:-/var/tmp/kiln-test-cache/base-images/debian-12}
VARIANTS=${VARIANTS:-"kiln bzimage smp1"}
for p in qemu-system-x86_64 qemu-img ssh ssh-keygen tar; do
  command -v "$p" >/dev/null || { echo "missing $p (Debian packages qemu-system-x86, qemu-utils, openssh-client, tar)" >&2; exit 1; }
done
[ -f "$BASE/disk.qcow2" ] || { echo "no base image in $BASE: run ./kiln base-images build debian-12 or the tests first" >&2; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/vm-lib.sh"
vm_setup kiln-vm-boot i-0000000000bench0

now() { date +%s.%N; }

boot() { # variant run
  local variant=$1 kernel="$BASE/vmlinux" smp=2 kargs="$KARGS" port
  case $variant in
    kiln) ;;
    bzimage) kernel="$BASE/vmlinuz" ;;
    smp1) smp=1 ;;
    nokargs) kargs="" ;;
    *) echo "unknown variant $variant" >&2; exit 1 ;;
  esac
  port=$((20000 + RANDOM % 30000))
  echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$work/seed/ssh_host_ed25519_key.pub")" > "$work/known_hosts"
  rm -f "$work/root.qcow2"
  qemu-img create -q -f qcow2 -b "$BASE/disk.qcow2" -F qcow2 "$work/root.qcow2"
  local ssh=(ssh -i "$work/client" -p "$port" -o BatchMode=yes -o ConnectTimeout=3 -o LogLevel=ERROR
             -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$work/known_hosts" root@127.0.0.1)
  local start; start=$(now)
  qemu-system-x86_64 -name bench -machine q35 -accel tcg -cpu max -smp "$smp" -m 1024M \
    -nodefaults -no-user-config -display none -serial file:"$work/console.log" -monitor none \
    -kernel "$kernel" -initrd "$BASE/initrd.img" -append "root=/dev/vda rw console=ttyS0 $kargs" \
    -drive file="$work/root.qcow2",if=none,id=root,format=qcow2,discard=unmap -device virtio-blk-pci,drive=root \
    -drive file="$work/seed.tar",if=none,id=seed,format=raw,readonly=on -device virtio-blk-pci,drive=seed,serial=kiln-seed \
    -netdev user,id=net0,hostfwd=tcp:127.0.0.1:$port-:22 -device virtio-net-pci,netdev=net0 -device virtio-rng-pci &
  qpid=$!
  local ready=""
  while kill -0 "$qpid" 2>/dev/null; do
    if "${ssh[@]}" true 2>/dev/null; then ready=$(printf %.2f "$(echo "$(now) - $start" | bc)"); break; fi
    if [ "$(echo "$(now) - $start > 180" | bc)" = 1 ]; then break; fi
    sleep 0.25
  done
  local analyze="-" kernel_s="-" user_s="-"
  if [ -n "$ready" ]; then
    # systemd-analyze answers only once the boot is finished.
    analyze=$("${ssh[@]}" 'while ! systemd-analyze >/dev/null 2>&1; do sleep 0.5; done; systemd-analyze | head -1' 2>/dev/null || true)
    kernel_s=$(sed -n 's/.* in \([0-9.]*\)s (kernel).*/\1/p' <<<"$analyze")
    user_s=$(sed -n 's/.* + \([0-9.]*\)s (userspace).*/\1/p' <<<"$analyze")
    "${ssh[@]}" 'systemctl poweroff --no-block' 2>/dev/null || true
  fi
  for _ in $(seq 1 60); do kill -0 "$qpid" 2>/dev/null || break; sleep 0.5; done
  kill "$qpid" 2>/dev/null || true
  wait "$qpid" 2>/dev/null || true
  qpid=""
  printf '%-8s %3s  ready %7s s  kernel %6s s  userspace %6s s  load %s\n' "$variant" "$2" "${ready:-FAIL}" \
    "${kernel_s:--}" "${user_s:--}" "$(cut -d' ' -f1 /proc/loadavg)"
  echo "$variant ${ready:-999}" >> "$work/results"
}

echo "# $(date -u +%FT%TZ) $(uname -n) $(nproc) cores, qemu $(qemu-system-x86_64 --version | head -1 | awk '{print $4}'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# base image: $BASE (kernel args: $KARGS)"
for run in $(seq 1 "$RUNS"); do
  for v in $VARIANTS; do boot "$v" "$run"; done
done
echo "# medians of boot -> SSH ready ($RUNS runs each):"
for v in $VARIANTS; do
  awk -v v="$v" '$1 == v {print $2}' "$work/results" | sort -n | awk -v v="$v" '
    {a[NR] = $1} END {m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
    printf "%-8s median %6.1f s  (min %.1f, max %.1f)\n", v, m, a[1], a[NR]}'
done
