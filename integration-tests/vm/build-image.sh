#!/usr/bin/env bash
# Builds the Debian 12 (bookworm) image of the VM tests, once: a minbase debootstrap with a
# kernel, systemd, Docker (apparmor: the kernel enables AppArmor and every `docker run` fails
# without apparmor_parser), a headless JRE and the libraries bridgewall binds to, plus a
# busybox image tarball for `docker import` (no registry is reachable).
#
#   build-image.sh DIR    leaves in DIR: rootfs/ (the tree, also the .deb test's chroot source),
#                         disk.img (ext4 of rootfs/, raw, the read-only base of each run's
#                         qcow2 overlay), vmlinuz, initrd.img, and build.stamp when complete
#
# Idempotent and cached: a complete DIR whose stamp matches this script is left alone, so one
# `mvn verify` builds it once for every test that needs it; concurrent callers wait on a lock.
# The slow part (debootstrap and packages, minutes) is kept while its package list is the same;
# a change to the configuration below it only redoes the configuration and the disk (seconds).
# Needs root, debootstrap and e2fsprogs (mkfs.ext4 -d: no loop devices). The mirror is the one
# this machine's apt uses (BRIDGEWALL_VM_MIRROR overrides).
set -euo pipefail

dir=${1:?usage: build-image.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
stamp=$(sha256sum "$here/build-image.sh" | cut -c1-16)

exec {lock}>"$dir/.lock"
flock "$lock"
if [ "$(cat "$dir/build.stamp" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi

say() { echo "build-image: $*" >&2; }

mirror() {
  local uri
  uri=$(grep -rhoE '^(URIs:|deb) +https?://[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
    | awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)
  echo "${BRIDGEWALL_VM_MIRROR:-${uri:-http://deb.debian.org/debian}}"
}

rootfs=$dir/rootfs
start=$(date +%s)
packages=(
  linux-image-amd64 systemd-sysv udev initramfs-tools
  docker.io apparmor
  default-jre-headless libnftnl11 libmnl0
  nftables iproute2 man-db busybox-static kmod procps
)
packages_stamp=$(echo "bookworm minbase ${packages[*]}" | sha256sum | cut -c1-16)
rm -f "$dir/disk.img" "$dir/build.stamp"

if [ "$(cat "$dir/packages.stamp" 2>/dev/null)" != "$packages_stamp" ]; then
rm -rf "$rootfs" "$dir/packages.stamp"
mkdir -p "$rootfs"
say "debootstrap bookworm (minbase) from $(mirror)"
debootstrap --variant=minbase bookworm "$rootfs" "$(mirror)" >"$dir/debootstrap.log" 2>&1 \
  || { tail -n 30 "$dir/debootstrap.log" >&2; say "debootstrap failed (log: $dir/debootstrap.log)"; exit 1; }

# A small initrd: only what finds and mounts the root disk. Written before the kernel and
# initramfs-tools are installed, so the first initrd is already the small one.
mkdir -p "$rootfs/etc/initramfs-tools/conf.d"
echo 'MODULES=list' >"$rootfs/etc/initramfs-tools/conf.d/vm.conf"
printf '%s\n' virtio_pci virtio_blk ext4 9p 9pnet_virtio >"$rootfs/etc/initramfs-tools/modules"

# No service starts inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
chmod +x "$rootfs/usr/sbin/policy-rc.d"

say "installing ${packages[*]}"
# Own mount namespace: /proc for the JRE's and the kernel's maintainer scripts, gone on exit.
unshare --mount --propagation private chroot "$rootfs" /bin/sh -c '
  set -e
  mount -t proc proc /proc
  export DEBIAN_FRONTEND=noninteractive LC_ALL=C
  apt-get update -q
  apt-get install -y -q --no-install-recommends "$@"
  apt-get clean
  rm -rf /var/lib/apt/lists/*
  umount /proc
' sh "${packages[@]}" >"$dir/packages.log" 2>&1 \
  || { tail -n 30 "$dir/packages.log" >&2; say "package install failed (log: $dir/packages.log)"; exit 1; }
rm -f "$rootfs/usr/sbin/policy-rc.d"
echo "$packages_stamp" >"$dir/packages.stamp"
fi

say "configuring"
echo bridgewall-vm >"$rootfs/etc/hostname"
echo '/dev/vda / ext4 defaults,errors=remount-ro 0 1' >"$rootfs/etc/fstab"
# Docker as bridgewall expects it on a host (README: "iptables": false).
mkdir -p "$rootfs/etc/docker"
echo '{ "iptables": false }' >"$rootfs/etc/docker/daemon.json"
# Root logs in on the serial console without a password (debugging a failed run by hand).
sed -i 's/^root:[^:]*:/root::/' "$rootfs/etc/shadow"
# Quiet and fast boots: no waiting for a network that never comes.
ln -sf /dev/null "$rootfs/etc/systemd/system/systemd-networkd-wait-online.service"

# The busybox image: one static binary and all its applets. (Its wget segfaults in this build:
# the probes use nc.)
img=$(mktemp -d)
mkdir -p "$img/bin" "$img/out"
cp "$rootfs/bin/busybox" "$img/bin/busybox"
for applet in $("$img/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$img/bin/$applet"
done
mkdir -p "$rootfs/opt/vmtest"
tar -C "$img" -cf "$rootfs/opt/vmtest/busybox-rootfs.tar" .
rm -rf "$img"

# The test's hooks: everything else comes from the run's shared folder (9p, tag "share"),
# so the test changes without rebuilding the image.
#  - vmtest-early: before Docker and networking, after local file systems (e.g. a LAN peer)
#  - vmtest: the run's script; its exit status decides, and it powers the VM off either way
# The share is mounted by the early hook itself, not from fstab: systemd would order a 9p
# mount like a network file system, after the network, and the early hook runs before it.
mkdir -p "$rootfs/mnt/share"
cat >"$rootfs/usr/local/sbin/vmtest-mount-share" <<'SCRIPT'
#!/bin/sh
mountpoint -q /mnt/share || mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 share /mnt/share
SCRIPT
chmod +x "$rootfs/usr/local/sbin/vmtest-mount-share"
cat >"$rootfs/etc/systemd/system/vmtest-early.service" <<'UNIT'
[Unit]
Description=VM test: early setup from the shared folder
DefaultDependencies=no
After=local-fs.target systemd-modules-load.service systemd-sysctl.service
Before=network-pre.target docker.service containerd.service sysinit.target
Wants=network-pre.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStartPre=/usr/local/sbin/vmtest-mount-share
ExecStart=/bin/sh -c '[ ! -f /mnt/share/early.sh ] || exec /bin/sh /mnt/share/early.sh'
StandardOutput=journal+console

[Install]
WantedBy=sysinit.target
UNIT
cat >"$rootfs/etc/systemd/system/vmtest.service" <<'UNIT'
[Unit]
Description=VM test: the run's script from the shared folder, then power off
After=multi-user.target vmtest-early.service
SuccessAction=poweroff-force
FailureAction=poweroff-force

[Service]
Type=oneshot
ExecStartPre=/usr/local/sbin/vmtest-mount-share
ExecStart=/bin/sh /mnt/share/main.sh
TimeoutStartSec=400
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
UNIT
chroot "$rootfs" systemctl enable vmtest-early.service vmtest.service >/dev/null 2>&1

# Smaller tree: no docs, no locales beyond what the tests read.
rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/locale/* "$rootfs"/var/cache/apt/*.bin

kernel=$(ls "$rootfs"/boot/vmlinuz-* | sort -V | tail -n1)
initrd=$(ls "$rootfs"/boot/initrd.img-* | sort -V | tail -n1)
cp "$kernel" "$dir/vmlinuz"
cp "$initrd" "$dir/initrd.img"

say "making disk.img (ext4 of the tree)"
mkfs.ext4 -q -F -L root -d "$rootfs" "$dir/disk.img" 3G

echo "$stamp" >"$dir/build.stamp"
say "done in $(( $(date +%s) - start )) s: $dir"
