#!/bin/sh
# mmdebstrap --setup-hook: runs before any package is installed, with the new root as $1.
# The kernel package builds its initramfs when it is installed, so the initramfs settings must be in
# place first. The image only ever boots as a QEMU guest with its root file system on /dev/vda, so the
# initramfs needs virtio and ext4 and nothing else: 7 MB instead of 36 MB, and lz4 because the guest
# decompresses it under TCG.
set -eu
root="$1"
mkdir -p "$root/etc/initramfs-tools/conf.d" "$root/etc/initramfs-tools/hooks"
cat > "$root/etc/initramfs-tools/conf.d/kiln.conf" <<'CONF'
# Kiln build images: the root file system is ext4 on a virtio disk.
MODULES=list
COMPRESS=lz4
CONF
cat > "$root/etc/initramfs-tools/hooks/kiln-virtio" <<'HOOK'
#!/bin/sh
# Kiln: the modules the root file system needs under QEMU (virtio disk, ext4).
[ "${1:-}" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
manual_add_modules virtio_pci virtio_blk ext4 crc32c_generic
HOOK
chmod 755 "$root/etc/initramfs-tools/hooks/kiln-virtio"
