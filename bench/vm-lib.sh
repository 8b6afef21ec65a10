# shellcheck shell=bash
# Shared by the VM benchmarks (sourced, not run): a work folder and a Kiln seed disk for booting the
# cached base image by hand, as Kiln's QEMU backend does (see "The seed" in docs/vm-images.md).
#
# vm_setup PREFIX ID: sets $work (a temporary folder removed on exit, with any $qpid killed), $KARGS
#   (the base image's kernel arguments), and writes $work/client (root's key) and $work/seed.tar
#   (host key, authorized_keys, hostname and instance id ID).

vm_setup() {
  local prefix=$1 id=$2
  KARGS=$(sed -n 's/.*"kernelArgs" *: *"\([^"]*\)".*/\1/p' "$BASE/image.json")
  work=$(mktemp -d "/var/tmp/$prefix.XXXXXX")
  qpid=""
  trap '[ -n "$qpid" ] && kill "$qpid" 2>/dev/null; rm -rf "$work"' EXIT
  mkdir "$work/seed"
  ssh-keygen -q -t ed25519 -N '' -C kiln -f "$work/client"
  ssh-keygen -q -t ed25519 -N '' -C "root@$id" -f "$work/seed/ssh_host_ed25519_key"
  cp "$work/client.pub" "$work/seed/authorized_keys"
  echo "$id" > "$work/seed/hostname"
  echo "$id" > "$work/seed/instance-id"
  tar --format=ustar -C "$work/seed" -cf "$work/seed.tar" authorized_keys ssh_host_ed25519_key \
    ssh_host_ed25519_key.pub hostname instance-id
}
