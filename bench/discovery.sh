#!/usr/bin/env bash
# Discovery of N networks from a real dockerd, end to end: bridgewall asking Docker for its
# networks and applying the ruleset, against `nft -f` of the identical plan.
#
#   sudo bench/discovery.sh                   # N=10000 networks, medians of RUNS=5
#   N=1000 RUNS=3 sudo bench/discovery.sh
#   LAYOUT=gaps sudo bench/discovery.sh       # /24s with a gap between them (explicit subnets)
#
# What it does: starts Debian's dockerd (and its own containerd) in a network namespace made
# for it (bwdisc-PID), with its own configuration file, data root, exec root and socket, Docker's
# own firewall off ("iptables": false, "ip6tables": false) and an address pool of /24s in
# 10.0.0.0/8; creates N bridge networks through the Engine API (curl --unix-socket, in parallel);
# then measures, each run after deleting bridgewall's table in that namespace:
#   bridgewall apply --netns NS --docker-host unix://SOCK   (discovers every network)
#   nft -f PLAN   where PLAN = bridgewall plan with the same discovery
# Both run in dockerd's own namespace, where the N bridges exist: that is what a real host does
# (bridgewall checks each bridge against the namespace's interfaces, reading all of them).
#
# Output: key=value lines on stdout (networks, layout, create_s, plan_lines, nft_ms,
# bridgewall_ms, discovery_ms: the "docker:" phases of BRIDGEWALL_TIMING, i.e. listing networks and
# containers, parsing included; docker_list_ms: dockerd's own answer to the network list, timed with
# curl; interfaces_ms: reading and checking the namespace's interfaces; plan_ms: the rest of the
# policy-and-plan phase; ratio: bridgewall_ms / nft_ms; rss_kib: peak RSS),
# human notes on stderr. COMPARE=/other/checkout/bridgewall adds compare_* keys for another build. Bounded: every wait has a
# timeout. Cleans up on every exit path: dockerd and containerd stopped, the namespace (and so
# every bridge) deleted, the work directory removed. Nothing touches this machine's own
# namespace or its own dockerd.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

N=${N:-10000}
RUNS=${RUNS:-5}
LAYOUT=${LAYOUT:-consecutive}       # consecutive: Docker's pool hands out adjacent /24s; gaps: every other /24
PARALLEL=${PARALLEL:-8}             # concurrent network creations
CREATE_TIMEOUT_S=${CREATE_TIMEOUT_S:-3600} # dockerd slows as networks add up: 7,000 took 30 min on a busy 2-core machine
ns=bwdisc-$$

note() { echo "discovery: $*" >&2; }
die() { note "$*"; exit 2; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, dockerd); run with sudo"
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 60000 ] || die "N must be 1..60000"
[[ "$RUNS" =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 50 ] || die "RUNS must be 1..50"
case "$LAYOUT" in consecutive | gaps) ;; *) die "LAYOUT must be consecutive or gaps" ;; esac
[ "$LAYOUT" = gaps ] && [ "$N" -gt 32000 ] && die "LAYOUT=gaps has room for 32000 networks"
for tool in dockerd containerd curl nft ip nsenter jq timeout; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install docker.io curl nftables iproute2 jq)"
done
[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install time)"
jar=cli/target/bridgewall.jar
if [ ! -f "$jar" ]; then
  note "building the jar..."
  mvn -q -B -ntp -DskipTests package >&2
fi

work=$(mktemp -d /tmp/bwdisc.XXXXXX)
containerd_pid=""
dockerd_pid=""
stop_pid() { # stop_pid PID: SIGTERM, up to 30 s, then SIGKILL
  local pid=$1 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  set +e # every step runs, whatever the one before did
  stop_pid "$dockerd_pid"
  stop_pid "$containerd_pid"
  # Whatever dockerd mounted under its roots (nothing without containers, but never leave a mount).
  awk -v w="$work/" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
  ip netns del "$ns" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$ns"
ip -n "$ns" link set lo up
cat >"$work/containerd.toml" <<EOF
version = 2
root = "$work/containerd-root"
state = "$work/containerd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$work/containerd.sock"
EOF
cat >"$work/daemon.json" <<EOF
{
  "iptables": false,
  "ip6tables": false,
  "default-address-pools": [{"base": "10.0.0.0/8", "size": 24}]
}
EOF
sock=$work/docker.sock
nsenter --net=/var/run/netns/"$ns" containerd --config "$work/containerd.toml" >"$work/containerd.log" 2>&1 &
containerd_pid=$!
# dockerd reads "iptables"/"ip6tables" from the file; the flags would conflict with it.
await() { # await WHAT SECONDS COMMAND...
  local what=$1 secs=$2 i
  shift 2
  for ((i = 0; i < secs * 5; i++)); do "$@" && return 0; sleep 0.2; done
  die "$what did not come up within ${secs}s (logs in $work were removed; rerun with bash -x)"
}
await containerd 60 test -S "$work/containerd.sock"
nsenter --net=/var/run/netns/"$ns" dockerd --config-file "$work/daemon.json" \
  --containerd "$work/containerd.sock" --data-root "$work/data" --exec-root "$work/exec" \
  --pidfile "$work/dockerd.pid" -H "unix://$sock" >"$work/dockerd.log" 2>&1 &
dockerd_pid=$!
api() { curl -sf --max-time 30 --unix-socket "$sock" "$@"; }
await dockerd 60 api -o /dev/null http://docker/_ping
note "dockerd $(api http://docker/version | jq -r .Version) in namespace $ns; creating $N networks ($LAYOUT, $PARALLEL at a time)..."

# One JSON body per network; with gaps, network i gets 10.x.y.0/24 with y even (as bench/run.sh does).
seq 0 $((N - 1)) | awk -v layout="$LAYOUT" '{
  if (layout == "gaps") printf "{\"Name\":\"bwd%d\",\"Driver\":\"bridge\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.%d.%d.0/24\"}]}}\n", $1, int($1 / 128) + 1, ($1 % 128) * 2;
  else printf "{\"Name\":\"bwd%d\",\"Driver\":\"bridge\"}\n", $1 }' >"$work/bodies"
t0=$(date +%s%N)
# xargs -d '\n' hands each body as one argument; a failed creation fails the run.
if ! timeout "$CREATE_TIMEOUT_S" xargs -d '\n' -P "$PARALLEL" -n 1 \
    curl -sf --max-time 120 --unix-socket "$sock" -o /dev/null -H 'Content-Type: application/json' \
    -X POST http://docker/networks/create -d <"$work/bodies"; then
  grep -i 'level=error' "$work/dockerd.log" | tail -3 >&2
  die "creating the networks failed or took longer than ${CREATE_TIMEOUT_S}s ($(ip -n "$ns" -o link show type bridge | wc -l) bridges made)"
fi
create_ns=$(($(date +%s%N) - t0))
listed=$(api 'http://docker/networks?filters=%7B%22driver%22%3A%5B%22bridge%22%5D%7D' | jq length)
bridges=$(ip -n "$ns" -o link show type bridge | wc -l)
list_bytes=$(api 'http://docker/networks?filters=%7B%22driver%22%3A%5B%22bridge%22%5D%7D' | wc -c)
note "created $N networks in $(awk -v t="$create_ns" 'BEGIN{printf "%.1f", t/1e9}') s; Docker lists $listed bridge networks ($list_bytes bytes), $bridges bridges in $ns"
[ "$listed" -ge "$N" ] || die "Docker lists $listed networks, expected at least $N"

docker_args=(--docker-host "unix://$sock" --docker-config "$work/daemon.json" --no-config)
common=(--netns "$ns" "${docker_args[@]}")
reset() { ip netns exec "$ns" nft delete table inet bridgewall 2>/dev/null || true; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# The plan from the same discovery; a first apply also writes the launcher's class-data archive.
# plan has no --netns: it runs inside the namespace (it only reads), so its interface checks see the same bridges.
ip netns exec "$ns" ./bridgewall plan "${docker_args[@]}" >"$work/plan.nft"
rules=$(grep -c . "$work/plan.nft")
reset
./bridgewall apply "${common[@]}" >/dev/null
reset
if [ -n "${COMPARE:-}" ]; then "$COMPARE" apply "${common[@]}" >/dev/null; reset; fi

# phase MS-FILE PATTERN: the sum of the timing lines' milliseconds whose phase matches PATTERN
# (lines look like "bridgewall timing: docker: networks listed   123.4 ms").
phase() { awk -v p="$2" 'index($0, "bridgewall timing: ") == 1 && $0 ~ p && $NF == "ms" {s += $(NF-1)} END {print s + 0}' "$1"; }

# measure LABEL LAUNCHER: RUNS runs of LAUNCHER apply, table deleted before each; sets the arrays.
measure() {
  local label=$1 launcher=$2 r t0
  bw_t=() disc_t=() ifs_t=() plan_t=() rss_t=()
  for ((r = 0; r < RUNS; r++)); do
    reset
    t0=$(date +%s%N)
    BRIDGEWALL_TIMING=1 /usr/bin/time -f %M -o "$work/rss" "$launcher" apply "${common[@]}" >/dev/null 2>"$work/timing"
    bw_t+=("$(ms_since "$t0")")
    rss_t+=("$(cat "$work/rss")")
    disc_t+=("$(phase "$work/timing" 'timing: docker: ')")
    ifs_t+=("$(phase "$work/timing" 'timing: interfaces ')")
    plan_t+=("$(phase "$work/timing" 'timing: plan ')")
  done
  reset
  note "$label: last run's phases:"; sed 's/^/  /' "$work/timing" >&2
  note "$label: runs ${bw_t[*]} ms"
}

# dockerd's own share of discovery: the same list request, answered to curl.
list_t=()
for ((r = 0; r < RUNS; r++)); do
  t0=$(date +%s%N)
  api -o /dev/null 'http://docker/v1.41/networks?filters=%7B%22driver%22%3A%5B%22bridge%22%5D%7D'
  list_t+=("$(ms_since "$t0")")
done

nft_t=()
for ((r = 0; r < RUNS; r++)); do
  reset
  t0=$(date +%s%N); ip netns exec "$ns" nft -f "$work/plan.nft"; nft_t+=("$(ms_since "$t0")")
done
reset
nft_ms=$(printf '%s\n' "${nft_t[@]}" | median)
note "nft -f runs: ${nft_t[*]} ms"

report() { # report PREFIX: key=value lines for the last measure
  local prefix=$1 bw_ms
  bw_ms=$(printf '%s\n' "${bw_t[@]}" | median)
  echo "${prefix}bridgewall_ms=$bw_ms"
  echo "${prefix}discovery_ms=$(printf '%s\n' "${disc_t[@]}" | median)"
  echo "${prefix}interfaces_ms=$(printf '%s\n' "${ifs_t[@]}" | median)"
  echo "${prefix}plan_ms=$(printf '%s\n' "${plan_t[@]}" | median)"
  echo "${prefix}ratio=$(awk -v a="$bw_ms" -v b="$nft_ms" 'BEGIN{printf "%.2f", a / b}')"
  echo "${prefix}rss_kib=$(printf '%s\n' "${rss_t[@]}" | median)"
}

echo "networks=$listed"
echo "layout=$LAYOUT"
echo "create_s=$(awk -v t="$create_ns" 'BEGIN{printf "%.1f", t/1e9}')"
echo "plan_lines=$rules"
echo "nft_ms=$nft_ms"
echo "docker_list_ms=$(printf '%s\n' "${list_t[@]}" | median)"
measure bridgewall ./bridgewall
report ""
# COMPARE=/path/to/other/checkout/bridgewall: the same runs with another build (before/after in one run).
if [ -n "${COMPARE:-}" ]; then
  measure compare "$COMPARE"
  report compare_
fi
note "median of $RUNS runs each; every run in dockerd's namespace (where the $listed bridges exist) after deleting bridgewall's table"
