#!/bin/sh
# Runs in the container (restart policy "always") from its first second: probes the LAN peer
# (ping) and the metadata address (HTTP over nc), one line per probe in /out/probes.log:
#   BOOT_ID UPTIME_SECONDS TARGET through|blocked
# /proc/uptime is the VM's (not namespaced), so times are seconds since the VM booted.
# "through" needs an answer from the peer; anything else (no answer in time, refused, a tool
# missing) is "blocked", so boot 1's control is what shows these probes can see the peer.
boot=$(cat /proc/sys/kernel/random/boot_id)
i=0
while [ "$i" -lt 3000 ]; do
  i=$((i + 1))
  t=$(cut -d' ' -f1 /proc/uptime)
  if timeout 2 ping -c 1 -W 1 10.99.0.2 >/dev/null 2>&1; then r=through; else r=blocked; fi
  echo "$boot $t lan-ping $r" >>/out/probes.log
  t=$(cut -d' ' -f1 /proc/uptime)
  if printf 'GET / HTTP/1.0\r\n\r\n' | timeout 2 nc -w 1 169.254.169.254 80 2>/dev/null | grep -q '^metadata'; then
    r=through
  else
    r=blocked
  fi
  echo "$boot $t metadata-http $r" >>/out/probes.log
  usleep 200000
done
