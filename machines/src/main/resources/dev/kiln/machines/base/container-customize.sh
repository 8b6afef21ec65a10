#!/bin/sh
# mmdebstrap --customize-hook for the container base image: Debian's container conventions (those of
# its official images) on the new root ($1). Host side only: no program runs inside the new root.
set -eu
root="$1"

# The container runtime mounts its own hostname and resolver; mmdebstrap copied the build host's.
: > "$root/etc/hostname"
rm -f "$root/etc/resolv.conf"
: > "$root/etc/resolv.conf"

# apt in image builds: no package cache left in layers (mmdebstrap has removed the lists already), no
# translations, no suggests kept by autoremove, and dpkg skips fsync (a layer is kept whole or not at all).
cat > "$root/etc/apt/apt.conf.d/docker-clean" <<'CONF'
# Kiln container image: downloaded packages do not stay in the image's layers.
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CONF
echo 'Acquire::Languages "none";' > "$root/etc/apt/apt.conf.d/docker-no-languages"
echo 'Apt::AutoRemove::SuggestsImportant "false";' > "$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
echo 'force-unsafe-io' > "$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
# With no pkgcache named, mmdebstrap's cleanup (apt-get clean) would leave these 70 MB behind.
rm -f "$root"/var/cache/apt/*.bin
