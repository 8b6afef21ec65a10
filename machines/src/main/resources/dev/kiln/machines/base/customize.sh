#!/bin/sh
# mmdebstrap --customize-hook: configures the new root ($1) as a Kiln build instance image. The guest
# files it installs lie beside this script. Host side only: no program runs inside the new root.
set -eu
root="$1"
here="$(dirname "$0")"

# The whole disk is the root file system; Kiln boots the kernel directly with root=/dev/vda.
echo '/dev/vda / ext4 defaults,discard,errors=remount-ro 0 1' > "$root/etc/fstab"
echo kiln > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tkiln\n::1\t\tlocalhost ip6-localhost ip6-loopback\nff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n' > "$root/etc/hosts"

# Network: DHCP from QEMU's user-mode network on the first wired interface; its DNS forwarder is 10.0.2.3.
mkdir -p "$root/etc/systemd/network"
printf '[Match]\nName=en* eth*\n\n[Network]\nDHCP=ipv4\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n' \
    > "$root/etc/systemd/network/20-wired.network"
rm -f "$root/etc/resolv.conf"
echo 'nameserver 10.0.2.3' > "$root/etc/resolv.conf"

# SSH: root by key only; the host key comes from the seed (one per instance), so none is baked in.
mkdir -p "$root/etc/ssh/sshd_config.d"
cat > "$root/etc/ssh/sshd_config.d/kiln.conf" <<'CONF'
# Kiln: root logs in with the key the instance's seed brings; no passwords.
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
GSSAPIAuthentication no
UseDNS no
HostKey /etc/ssh/ssh_host_ed25519_key
CONF
rm -f "$root"/etc/ssh/ssh_host_*
install -d -m 700 "$root/root/.ssh"
# The configuration was checked when the image was made; `sshd -t` before each start costs ~0.5 s under TCG.
mkdir -p "$root/etc/systemd/system/ssh.service.d"
printf '[Service]\nExecStartPre=\n' > "$root/etc/systemd/system/ssh.service.d/kiln.conf"

# Each instance gets its own machine id at first boot.
: > "$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
# Say that /etc and /var are up to date with /usr, as systemd-update-done would after a first boot;
# otherwise every instance runs systemd-sysusers (and the like) on the boot's critical path.
for dir in etc var; do
    stamp="$(stat -c %Y "$root/usr")"
    printf 'TIMESTAMP_NSEC=%s000000000\n' "$stamp" > "$root/$dir/.updated"
    touch -d "@$stamp" "$root/$dir/.updated"
done

# The seed and user-data units.
install -d "$root/usr/lib/kiln"
install -m 755 "$here/kiln-seed" "$here/kiln-user-data" "$root/usr/lib/kiln/"
install -m 644 "$here/kiln-seed.service" "$here/kiln-user-data.service" "$root/etc/systemd/system/"
enable() { # unit target
    mkdir -p "$root/etc/systemd/system/$2.wants"
    ln -sf "/etc/systemd/system/$1" "$root/etc/systemd/system/$2.wants/$1"
}
enable kiln-seed.service multi-user.target
enable kiln-user-data.service multi-user.target
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /lib/systemd/system/multi-user.target "$root/etc/systemd/system/default.target"
ln -sf /lib/systemd/system/systemd-networkd.service "$root/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"

# Modules udev would load for QEMU's emulated hardware and CPU features: nothing a build uses, and
# each load costs a fraction of a second under TCG.
cat > "$root/etc/modprobe.d/kiln.conf" <<'CONF'
# Kiln build images: hardware QEMU emulates that builds do not use.
blacklist kvm
blacklist kvm_amd
blacklist kvm_intel
blacklist cfg80211
blacklist iTCO_wdt
blacklist lpc_ich
blacklist i2c_i801
blacklist pcspkr
blacklist joydev
blacklist evdev
blacklist serio_raw
CONF

# What a build instance does not need at boot: each costs seconds under TCG, or runs into a build later.
# systemd-repart and the fusectl and configfs mounts are here for the modprobe@ units they pull in
# (four module loads at every boot; the kernel still loads those modules when something uses them).
for unit in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service \
        fstrim.timer man-db.timer logrotate.timer systemd-networkd-wait-online.service getty@tty1.service \
        systemd-timesyncd.service systemd-pstore.service getty-static.service systemd-repart.service \
        sys-fs-fuse-connections.mount sys-kernel-config.mount; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
    find "$root/etc/systemd/system" -path "*.wants/$unit" -delete
done
