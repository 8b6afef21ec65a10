#!/bin/sh
# mmdebstrap --setup-hook for the container base image: runs before any package is installed, with the
# new root as $1. Containers start no services: invoke-rc.d asks policy-rc.d, which refuses (101), as in
# Debian's official container images. Written here, not left to mmdebstrap (which removes its own at the
# end), so that it guards the install and stays in the image.
set -eu
root="$1"
mkdir -p "$root/usr/sbin"
printf '#!/bin/sh\n# Kiln container image: no services start inside a container.\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
