#!/bin/bash
# The VM pipeline of examples/build/vm.yaml done by hand, the way a person would script it without Kiln:
# boot a build VM on an overlay of the base image, run the component's commands over ssh, clean up and
# power off, flatten the overlay into a new qcow2, boot a test VM on an overlay of that, run the test,
# power off. Same QEMU command line as Kiln's backend (q35, TCG, 2 vCPUs, 1 GiB, PVH vmlinux) and the
# same seed disk for the SSH keys, so the comparison measures Kiln's own overhead.
#
#   BASE=/var/tmp/kiln-test-cache/base-images/debian-12 bench/plain-vm-pipeline.sh
set -euo pipefail
BASE=${BASE:-/var/tmp/kiln-test-cache/base-images/debian-12}
source "$(dirname "${BASH_SOURCE[0]}")/vm-lib.sh"
vm_setup kiln-plain-vm i-00000000000plain

# boot DISK: starts a VM on an overlay of DISK and waits until ssh answers; sets $ssh and $qpid
boot() {
  local port=$((20000 + RANDOM % 30000))
  echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$work/seed/ssh_host_ed25519_key.pub")" > "$work/known_hosts"
  rm -f "$work/root.qcow2"
  qemu-img create -q -f qcow2 -b "$1" -F qcow2 "$work/root.qcow2"
  ssh=(ssh -i "$work/client" -p "$port" -o BatchMode=yes -o ConnectTimeout=3 -o LogLevel=ERROR
       -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$work/known_hosts" root@127.0.0.1)
  qemu-system-x86_64 -name plain -machine q35 -accel tcg -cpu max -smp 2 -m 1024M \
    -nodefaults -no-user-config -display none -serial file:"$work/console.log" -monitor none -no-reboot \
    -kernel "$BASE/vmlinux" -initrd "$BASE/initrd.img" -append "root=/dev/vda rw console=ttyS0 $KARGS" \
    -drive file="$work/root.qcow2",if=none,id=root,format=qcow2,discard=unmap -device virtio-blk-pci,drive=root \
    -drive file="$work/seed.tar",if=none,id=seed,format=raw,readonly=on -device virtio-blk-pci,drive=seed,serial=kiln-seed \
    -netdev user,id=net0,hostfwd=tcp:127.0.0.1:$port-:22 -device virtio-net-pci,netdev=net0 -device virtio-rng-pci &
  qpid=$!
  for _ in $(seq 1 720); do
    "${ssh[@]}" true 2>/dev/null && return 0
    kill -0 "$qpid" 2>/dev/null || { echo "qemu exited before ssh answered" >&2; exit 1; }
    sleep 0.25
  done
  echo "no ssh after 180 s" >&2; exit 1
}

# poweroff [COMMANDS]: runs the commands and powers off in the same ssh call (after the clean-up,
# root's key is gone and no new connection would get in), then waits for qemu to exit
poweroff() {
  "${ssh[@]}" "${1:+$1; }systemctl poweroff --no-block" 2>/dev/null || true
  wait "$qpid" 2>/dev/null || true
  qpid=""
}

boot "$BASE/disk.qcow2"
"${ssh[@]}" "echo 'Hello from a Kiln VM' > /etc/kiln-hello"
"${ssh[@]}" 'uname -a; head -2 /etc/os-release'
"${ssh[@]}" "grep -q Hello /etc/kiln-hello"
poweroff 'rm -f /etc/ssh/ssh_host_* /root/.ssh/authorized_keys; apt-get clean; sync; fstrim -a'
qemu-img convert -O qcow2 "$work/root.qcow2" "$work/new.qcow2"
sha256sum "$work/new.qcow2" >/dev/null     # Kiln records the image's checksum when it registers it
boot "$work/new.qcow2"
"${ssh[@]}" 'test -f /etc/kiln-hello'
poweroff
