#!/bin/sh
# Every boot, after multi-user.target (vmtest.service, which powers the VM off when this ends).
#
# Boot 1 (setup): install the .deb, import the busybox image, start the probing container with
#   restart policy "always" and no bridgewall unit enabled: its probes must get through (the
#   control: the LAN is reachable without bridgewall). Then enable both units and power off.
# Boot 2 (measured): dockerd restarts the container by itself, as it starts; bridgewall-boot
#   contained the bridges before that, watch takes over afterwards. Collect everything into the
#   shared folder; the test on the host decides.
set -eu
state=/var/lib/vmtest
share=/mnt/share
mkdir -p "$state/probes"
boot_id=$(cat /proc/sys/kernel/random/boot_id)

if [ ! -f "$state/setup-done" ]; then
  out=$share/results/boot1
  mkdir -p "$out"
  echo "$boot_id" >"$out/boot_id"
  dpkg -i "$share/bridgewall.deb" >"$out/dpkg-install.log" 2>&1
  docker import /opt/vmtest/busybox-rootfs.tar vmtest-busybox >/dev/null
  cp "$share/probe.sh" "$state/probe.sh"
  docker run -d --name prober --restart always -v "$state/probes:/out" -v "$state/probe.sh:/probe.sh:ro" \
    vmtest-busybox sh /probe.sh >"$out/container-id"
  # The control: without bridgewall, the probes reach both targets (at most 60 s).
  i=0
  while [ "$i" -lt 60 ]; do
    i=$((i + 1))
    lan=$(grep -c "^$boot_id .* lan-ping through" "$state/probes/probes.log" 2>/dev/null || true)
    meta=$(grep -c "^$boot_id .* metadata-http through" "$state/probes/probes.log" 2>/dev/null || true)
    [ "${lan:-0}" -ge 2 ] && [ "${meta:-0}" -ge 2 ] && break
    sleep 1
  done
  systemctl enable bridgewall-boot.service bridgewall.service >"$out/enable.log" 2>&1
  cp "$state/probes/probes.log" "$out/probes.log"
  touch "$state/setup-done"
  sync
  echo "vmtest: boot 1 done (setup)"
  exit 0
fi

out=$share/results/boot2
mkdir -p "$out"
echo "$boot_id" >"$out/boot_id"
# watch has taken over when it logged its first transaction after listing Docker's networks.
i=0
while [ "$i" -lt 240 ]; do
  i=$((i + 1))
  journalctl -b -u bridgewall.service -o cat 2>/dev/null | grep -q "following Docker's events" && break
  sleep 1
done
# More probes under watch's policy.
sleep 15
cp "$state/probes/probes.log" "$out/probes.log"
for unit in bridgewall-boot.service docker.service containerd.service bridgewall.service vmtest-early.service; do
  systemctl show -p Id,ActiveState,SubState,Result,ExecMainStatus,InactiveExitTimestampMonotonic,ExecMainStartTimestampMonotonic,ExecMainExitTimestampMonotonic,ActiveEnterTimestampMonotonic "$unit"
  echo
done >"$out/units.txt"
journalctl -b -o short-monotonic --no-pager -u bridgewall-boot.service -u bridgewall.service -u docker.service \
  >"$out/journal.txt" 2>&1 || true
docker inspect -f '{{.State.Status}} {{.State.StartedAt}} {{.RestartCount}}' prober >"$out/container.txt" 2>&1 || true
nft list ruleset >"$out/ruleset.txt" 2>&1 || true
cut -d' ' -f1 /proc/uptime >"$out/uptime-at-end"
systemd-analyze >"$out/systemd-analyze.txt" 2>&1 || true
echo "vmtest: boot 2 done (measured)"
