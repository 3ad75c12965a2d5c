#!/bin/sh
# Every boot, before networking and dockerd (vmtest-early.service): the LAN the containers must
# never reach. A neighbour in its own network namespace behind a veth pair, with a private
# address (10.99.0.2) and the cloud metadata address (169.254.169.254), answering ping and HTTP.
set -eu
ip netns add lan
ip link add lan-host type veth peer name lan-peer netns lan
ip address add 10.99.0.1/24 dev lan-host
ip link set lan-host up
ip -n lan link set lo up
ip -n lan link set lan-peer up
ip -n lan address add 10.99.0.2/24 dev lan-peer
ip -n lan address add 169.254.169.254/32 dev lan-peer
ip -n lan route add default via 10.99.0.1
ip route add 169.254.169.254/32 via 10.99.0.2
sysctl -qw net.ipv4.ip_forward=1
mkdir -p /run/lan-www
echo metadata >/run/lan-www/index.html
# busybox httpd detaches; it stays in this unit's cgroup while the unit is active (RemainAfterExit).
ip netns exec lan busybox httpd -p 80 -h /run/lan-www
echo "vmtest-early: LAN peer 10.99.0.2 and 169.254.169.254 up"
