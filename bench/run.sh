#!/usr/bin/env bash
# Side-by-side benchmarks of bridgewall against `nft -f` of the identical ruleset and against
# the seed's one-iptables-call-per-rule approach; in-process JMH numbers; peak RSS; and, when
# iperf3 is there, forwarding throughput through the ruleset.
#
#   sudo bench/run.sh                 # everything (about 10 minutes)
#   SIZES="1 100" RUNS=5 sudo bench/run.sh
#   SKIP_JMH=1 SKIP_DATAPLANE=1 SKIP_LAB=1 sudo bench/run.sh
#
# Installs the Debian packages it needs when they are missing (apt-get), so one command
# works on a fresh machine. Builds the jars with Maven when they are missing. Every ruleset is loaded into a network namespace made for the
# run (`ip netns add bwbench-*`), never into this machine's own; all of them are deleted on exit,
# also on failure or Ctrl-C. Traffic only flows between namespaces made here, with the
# documentation range 203.0.113.0/24 as the "public" side.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

SIZES=${SIZES:-"1 100 1000 10000"}
RUNS=${RUNS:-10}                   # runs per measurement (median); fewer at 10,000 networks
RUNS_LARGE=${RUNS_LARGE:-5}        # runs at 10,000 networks
SEED_BUDGET_S=${SEED_BUDGET_S:-180} # the seed's approach at a size only if predicted below this
JMH_ARGS=${JMH_ARGS:-"-wi 3 -i 5 -w 1s -r 1s -f 1"}
IPERF_SECONDS=${IPERF_SECONDS:-5}
PREFIX=bwbench-$$

die() { echo "bench: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, netlink); run with sudo"

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need java openjdk-17-jdk-headless
need nft nftables
need iptables iptables
need ip iproute2
need jq jq
need timeout coreutils
need hyperfine hyperfine
need iperf3 iperf3
[ -x /usr/bin/time ] || missing+=(time)
# ldconfig's cache read whole first: piped into grep -q it fails at random under pipefail.
ldcache=$(ldconfig -p 2>/dev/null || true)
grep -qF $'\tlibnftnl.so.11 (' <<<"$ldcache" || missing+=(libnftnl11)
grep -qF $'\tlibmnl.so.0 (' <<<"$ldcache" || missing+=(libmnl0)
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "missing tools: install ${missing[*]}"
  echo "bench: installing ${missing[*]} (apt-get)..." >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
    || die "could not install ${missing[*]}"
fi
have_hyperfine=0; command -v hyperfine >/dev/null 2>&1 && have_hyperfine=1
[ "$have_hyperfine" = 1 ] || echo "bench: hyperfine not found (apt-get install hyperfine); using a bash loop" >&2
if [ -z "${SKIP_DATAPLANE:-}" ] && ! command -v iperf3 >/dev/null 2>&1; then
  echo "bench: iperf3 not found (apt-get install iperf3); skipping the data-plane part" >&2
  SKIP_DATAPLANE=1
fi

jar=cli/target/bridgewall.jar
benchjar=benchmarks/target/benchmarks.jar
if [ ! -f "$jar" ] || { [ -z "${SKIP_JMH:-}" ] && [ ! -f "$benchjar" ]; }; then
  command -v mvn >/dev/null 2>&1 || die "jars missing and mvn not found: apt-get install maven"
  echo "bench: building the jars..." >&2
  mvn -q -B -ntp -DskipTests package >&2
fi

work=$(mktemp -d /tmp/bwbench.XXXXXX)
namespaces=()
iperf_pid=""
cleanup() {
  if [ -n "$iperf_pid" ]; then kill "$iperf_pid" 2>/dev/null || true; fi
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  # namespaces made by hyperfine's --prepare (same prefix)
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$PREFIX-" || true); do
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

newns() { ip netns add "$1"; namespaces+=("$1"); }

# Network i gets bw<i> and a /24 that is not adjacent to its neighbours, so interval sets
# keep N ranges instead of merging them.
subnet() { echo "10.$(($1 / 128)).$((($1 % 128) * 2)).0/24"; }
gen_args() { # the --bridge options for N bridges, one word per line (bridgewall reads no @files)
  local n=$1 i
  for ((i = 0; i < n; i++)); do printf -- '--bridge\nbw%d=%s\n' "$i" "$(subnet "$i")"; done >"$work/args$n"
}
gen_seed() { # the seed's approach: one iptables call per rule, in the order the blog post uses
  local n=$1 i
  {
    echo 'set -e'
    echo 'iptables -t filter -F; iptables -t filter -X; iptables -t nat -F; iptables -t nat -X'
    echo 'iptables -t filter -P INPUT DROP; iptables -t filter -P OUTPUT ACCEPT; iptables -t filter -P FORWARD ACCEPT'
    echo 'iptables -t filter -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'
    echo 'iptables -t filter -A INPUT -i lo -j ACCEPT'
    echo 'iptables -t filter -A INPUT -p tcp --dport 22 -j ACCEPT'
    for ((i = 0; i < n; i++)); do
      echo "iptables -t nat -A POSTROUTING ! -o bw$i -s $(subnet "$i") -j MASQUERADE"
      echo "iptables -t filter -A FORWARD -i bw$i -d 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16 -j DROP"
    done
  } >"$work/seed$n.sh"
}

# median_ms NAME RUNS PREPARE COMMAND: median wall time in ms of COMMAND (a shell string), each
# run preceded by PREPARE (not timed). Prints the number.
median_ms() {
  local name=$1 runs=$2 prepare=$3 cmd=$4
  if [ "$have_hyperfine" = 1 ]; then
    hyperfine -N --style none --runs "$runs" --prepare "bash -c '$prepare'" --export-json "$work/$name.json" \
      "bash -c '$cmd'" >/dev/null 2>"$work/$name.err" || { cat "$work/$name.err" >&2; return 1; }
    # bash -c costs the same for every contender; measured below and subtracted.
    jq -r '.results[0].median * 1000' "$work/$name.json"
  else
    local i t0 t1 times=()
    for ((i = 0; i < runs; i++)); do
      bash -c "$prepare"
      t0=$(date +%s%N); bash -c "$cmd" >/dev/null; t1=$(date +%s%N)
      times+=("$(((t1 - t0) / 1000))")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; print m / 1000}'
  fi
}
fmt() { awk -v v="$1" 'BEGIN { if (v == "" || v == "-") print "-"; else if (v < 1) printf "%.3f", v; else if (v < 10) printf "%.2f", v; else printf "%.0f", v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-" || b == 0) print "-"; else printf "%.2fx", a / b }'; }

echo "== machine"
machine="$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r), $(java -version 2>&1 | head -1), nft $(nft --version | awk '{print $2}'), $(iptables -V)"
echo "$machine"
echo

# One fresh namespace per timed run: PREPARE deletes and recreates it.
ns_for() { echo "$PREFIX-$1"; }
prep() { local ns; ns=$(ns_for "$1"); echo "ip netns del $ns 2>/dev/null; ip netns add $ns"; }

declare -A bw bwnv nft seed rss jmh_apply jmh_reapply jmh_plan
# The launcher writes its class-data archive after the first apply; make sure that first run
# (about a second longer) is not one of the timed ones.
warm=$PREFIX-warm; newns "$warm"
./bridgewall apply --netns "$warm" --no-docker --bridge bw0=10.0.0.0/24 >/dev/null
ip netns del "$warm"

echo "== whole process, median of runs, each into a fresh namespace"
for n in $SIZES; do
  runs=$RUNS; [ "$n" -ge 10000 ] && runs=$RUNS_LARGE
  gen_args "$n"
  ns=$(ns_for "w$n")
  namespaces+=("$ns")
  ./bridgewall plan --no-docker $(cat "$work/args$n") >"$work/plan$n.nft"
  base=$(median_ms "true$n" "$runs" "$(prep "w$n")" "true")
  t=$(median_ms "nft$n" "$runs" "$(prep "w$n")" "ip netns exec $ns nft -f $work/plan$n.nft")
  nft[$n]=$(awk -v a="$t" -v b="$base" 'BEGIN{print a-b}')
  t=$(median_ms "bw$n" "$runs" "$(prep "w$n")" "./bridgewall apply --netns $ns --no-docker \$(cat $work/args$n) >/dev/null")
  bw[$n]=$(awk -v a="$t" -v b="$base" 'BEGIN{print a-b}')
  # Without the read-back check (nft -f does not read back either).
  t=$(median_ms "bwnv$n" "$runs" "$(prep "w$n")" "./bridgewall apply --netns $ns --no-docker --no-verify \$(cat $work/args$n) >/dev/null")
  bwnv[$n]=$(awk -v a="$t" -v b="$base" 'BEGIN{print a-b}')
  # Peak RSS: median of 3 runs.
  rss[$n]=$(for i in 1 2 3; do
      bash -c "$(prep "w$n")"
      /usr/bin/time -f %M -o "$work/rss" ./bridgewall apply --netns "$ns" --no-docker $(cat "$work/args$n") >/dev/null
      cat "$work/rss"
    done | sort -n | sed -n 2p)
  # The seed's approach, only where it finishes in the budget: predicted from the last size
  # measured, assuming linear growth (a lower bound: iptables-nft re-reads the growing ruleset).
  gen_seed "$n"
  seed[$n]="-"
  if [ -n "${seed_per_net:-}" ] && awk -v p="$seed_per_net" -v n="$n" -v b="$SEED_BUDGET_S" 'BEGIN{exit !(p*n/1000 > b)}'; then
    seed[$n]="~$(awk -v p="$seed_per_net" -v n="$n" 'BEGIN{printf "%.0f", p*n}')"
    echo "  N=$n: seed approach skipped (predicted ${seed[$n]} ms > ${SEED_BUDGET_S}s; linear extrapolation)" >&2
  else
    sruns=$runs; [ "$n" -ge 1000 ] && sruns=3
    if [ "$n" -ge 10000 ]; then
      # One run, cut off at the budget.
      bash -c "$(prep "w$n")"
      t0=$(date +%s%N)
      if timeout "$SEED_BUDGET_S" ip netns exec "$ns" bash "$work/seed$n.sh"; then
        seed[$n]=$(( ($(date +%s%N) - t0) / 1000000 ))
      else
        seed[$n]="~$(awk -v p="$seed_per_net" -v n="$n" 'BEGIN{printf "%.0f", p*n}')"
        echo "  N=$n: seed approach cut off after ${SEED_BUDGET_S}s; linear extrapolation" >&2
      fi
    else
      t=$(median_ms "seed$n" "$sruns" "$(prep "w$n")" "ip netns exec $ns bash $work/seed$n.sh")
      seed[$n]=$(awk -v a="$t" -v b="$base" 'BEGIN{print a-b}')
      [ "$n" -ge 100 ] && seed_per_net=$(awk -v t="${seed[$n]}" -v n="$n" 'BEGIN{print t/n}')
    fi
  fi
  ip netns del "$ns" 2>/dev/null || true
  printf '  N=%-6s nft -f %8s ms   bridgewall %8s ms (--no-verify %s ms)   seed %10s ms   RSS %s KiB\n' \
    "$n" "$(fmt "${nft[$n]}")" "$(fmt "${bw[$n]}")" "$(fmt "${bwnv[$n]}")" "${seed[$n]}" "${rss[$n]}"
done
echo

if [ -z "${SKIP_JMH:-}" ]; then
  echo "== in process (JMH: engine loaded and warm; $JMH_ARGS)"
  sizes_csv=$(echo "$SIZES" | tr ' ' ',')
  # shellcheck disable=SC2086
  java -jar "$benchjar" $JMH_ARGS -p networks="$sizes_csv" -jvmArgsAppend "-Dbench.netns.prefix=$PREFIX-jmh" -rf json -rff "$work/jmh.json" \
    >"$work/jmh.log" 2>&1 || { tail -30 "$work/jmh.log" >&2; die "JMH failed"; }
  for n in $SIZES; do
    jmh_apply[$n]=$(jq -r --arg n "$n" '.[] | select((.benchmark | endswith(".apply")) and .params.networks == $n) | .primaryMetric.score' "$work/jmh.json")
    jmh_reapply[$n]=$(jq -r --arg n "$n" '.[] | select((.benchmark | endswith(".applyUnchanged")) and .params.networks == $n) | .primaryMetric.score' "$work/jmh.json")
    jmh_plan[$n]=$(jq -r --arg n "$n" '.[] | select((.benchmark | endswith(".plan")) and .params.networks == $n) | .primaryMetric.score' "$work/jmh.json")
  done
  grep -E '^Benchmark|^ApplyBenchmark|^ReapplyBenchmark' "$work/jmh.log" | sed 's/^/  /'
  echo
fi

declare -A tput
if [ -z "${SKIP_DATAPLANE:-}" ]; then
  echo "== data plane: TCP throughput container -> bridge -> host -> public (iperf3, ${IPERF_SECONDS}s)"
  # c (container) -- veth -- [bwdp0 bridge in h (host)] ; h -- veth -- p (public, 203.0.113.2)
  c=$PREFIX-c; h=$PREFIX-h; p=$PREFIX-p
  newns "$c"; newns "$h"; newns "$p"
  ip -n "$h" link add bw0 type bridge
  ip -n "$h" addr add 10.0.0.1/24 dev bw0
  ip -n "$h" link set bw0 up
  ip link add bwbc$$ type veth peer name bwbh$$
  ip link set bwbc$$ netns "$c" name eth0
  ip link set bwbh$$ netns "$h" name vc0
  ip -n "$h" link set vc0 master bw0 up
  ip -n "$c" addr add 10.0.0.2/24 dev eth0
  ip -n "$c" link set eth0 up
  ip -n "$c" link set lo up
  ip -n "$c" route add default via 10.0.0.1
  ip link add bwbp$$ type veth peer name bwbu$$
  ip link set bwbp$$ netns "$p" name eth0
  ip link set bwbu$$ netns "$h" name uplink
  ip -n "$h" addr add 203.0.113.1/24 dev uplink
  ip -n "$h" link set uplink up
  ip -n "$p" addr add 203.0.113.2/24 dev eth0
  ip -n "$p" link set eth0 up
  ip -n "$p" link set lo up
  ip -n "$p" route add 10.0.0.0/24 via 203.0.113.1   # for the no-ruleset run (no masquerade)
  ip netns exec "$h" sysctl -qw net.ipv4.ip_forward=1
  IPERF_RUNS=${IPERF_RUNS:-5}
  # Alive for every run below (7 configurations of IPERF_RUNS runs) with room for slow applies.
  ip netns exec "$p" timeout $((IPERF_SECONDS * IPERF_RUNS * 7 * 2 + 120)) iperf3 -s -B 203.0.113.2 >/dev/null 2>&1 &
  iperf_pid=$!
  sleep 0.5
  once() { # Gbit/s of one iperf3 run from the container to the public side; nothing when the run failed
    { ip netns exec "$c" timeout $((IPERF_SECONDS + 15)) iperf3 -c 203.0.113.2 -t "$IPERF_SECONDS" -J || true; } \
      | jq '(.end.sum_received.bits_per_second // empty) / 1e9 * 100 | round / 100'
  }
  median() { sort -n | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]; else print "-"}'; }
  measure() { # median Gbit/s of IPERF_RUNS runs
    local i
    for i in $(seq "$IPERF_RUNS"); do once; done | median
  }
  load_floor() { # the floor any masquerading ruleset pays: connection tracking and one masquerade rule, nothing else
    ip netns exec "$h" nft -f - <<'NFT'
table ip floor {
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    oifname "uplink" masquerade
  }
}
NFT
  }
  tput[none]=$(measure)
  [ -f "$work/args1" ] || gen_args 1
  # The floor, bridgewall (1 network) and bridgewall --no-fast-path (every packet through the
  # checks, as before issue 12) in rounds, one run each per round: on a busy machine the load
  # drifts between runs, and interleaving spreads the drift over all three alike.
  : >"$work/tput-floor"; : >"$work/tput-1"; : >"$work/tput-nofast"
  for i in $(seq "$IPERF_RUNS"); do
    ip netns exec "$h" nft flush ruleset; load_floor; once >>"$work/tput-floor"
    ip netns exec "$h" nft flush ruleset
    ./bridgewall apply --netns "$h" --no-docker --allow-port 22/tcp $(cat "$work/args1") >/dev/null
    once >>"$work/tput-1"
    ./bridgewall apply --netns "$h" --no-docker --allow-port 22/tcp --no-fast-path $(cat "$work/args1") >/dev/null
    once >>"$work/tput-nofast"
  done
  ip netns exec "$h" nft flush ruleset
  for k in floor 1 nofast; do tput[$k]=$(median <"$work/tput-$k"); done
  echo "  floor, conntrack + one masquerade rule: ${tput[floor]} Gbit/s (runs: $(tr '\n' ' ' <"$work/tput-floor"))"
  echo "  ruleset 1 network(s): ${tput[1]} Gbit/s (runs: $(tr '\n' ' ' <"$work/tput-1"))"
  echo "  ruleset 1 network(s), --no-fast-path: ${tput[nofast]} Gbit/s (runs: $(tr '\n' ' ' <"$work/tput-nofast"))"
  for n in 10000; do
    [ -f "$work/args$n" ] || gen_args "$n"
    # bw0 is the container's bridge; the other networks are bridges that do not exist here,
    # which is what a big host looks like from one container's packets.
    ./bridgewall apply --netns "$h" --no-docker --allow-port 22/tcp $(cat "$work/args$n") >/dev/null
    tput[$n]=$(measure)
    masq=$(ip netns exec "$h" nft list chain inet bridgewall postrouting | grep -c masquerade || true)
    echo "  ruleset $n network(s) ($masq masquerade rules): ${tput[$n]} Gbit/s"
  done
  # The seed's iptables ruleset for the same one network, for comparison: it also tracks
  # connections and masquerades, which is where most of the cost of any such ruleset is.
  ./bridgewall remove --netns "$h" >/dev/null
  [ -f "$work/seed1.sh" ] || gen_seed 1
  ip netns exec "$h" bash "$work/seed1.sh"
  tput[seed]=$(measure)
  echo "  seed iptables ruleset, 1 network: ${tput[seed]} Gbit/s"
  echo "  no ruleset: ${tput[none]} Gbit/s"
  kill "$iperf_pid" 2>/dev/null || true; wait "$iperf_pid" 2>/dev/null || true; iperf_pid=""
  echo
fi

# Measurements that need the integration tests' lab (a real dockerd and containers in
# namespaces). They assert nothing, so they are not part of `mvn verify`: tagged "measurement"
# and run only through the integration-tests module's `measurements` profile.
if [ -z "${SKIP_LAB:-}" ]; then
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1 || [ ! -x /bin/busybox ]; then
    echo "bench: lab measurements need dockerd, busybox and mvn (apt-get install docker.io busybox-static maven); skipped" >&2
  else
    echo "== lab measurements (a real dockerd and containers in namespaces; SKIP_LAB=1 to skip)"
    mvn -B -ntp -pl integration-tests -am verify -Pmeasurements -Dtest='*Measurement' \
      -Dsurefire.failIfNoSpecifiedTests=false >"$work/measurements.log" 2>&1 \
      || { tail -40 "$work/measurements.log" >&2; die "lab measurements failed"; }
    # Each measurement prints a block starting with "measurement:"; Maven's own lines start with "[".
    awk '/^measurement:/ {on = 1} /^\[/ {on = 0} on' "$work/measurements.log" | sed 's/^/  /'
    echo
  fi
fi

echo "== results (medians; ms; ratios against nft -f of the identical ruleset, same run; JMH: mean ms/op)"
echo "Machine: $machine"
echo
echo "| networks | nft -f | bridgewall apply (process) | ratio | apply --no-verify | ratio | seed iptables calls | ratio | peak RSS | in-process apply (JMH) | ratio | in-process re-apply, unchanged (JMH) | plan only (JMH) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
  s=${seed[$n]}; sr="-"
  case "$s" in
    "~"*) sr="~$(ratio "${s#\~}" "${nft[$n]}") (extrapolated)"; s="$s (extrapolated)" ;;
    "-") ;;
    *) sr=$(ratio "$s" "${nft[$n]}"); s=$(fmt "$s") ;;
  esac
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s MiB | %s | %s | %s | %s |\n' "$n" \
    "$(fmt "${nft[$n]}")" "$(fmt "${bw[$n]}")" "$(ratio "${bw[$n]}" "${nft[$n]}")" \
    "$(fmt "${bwnv[$n]}")" "$(ratio "${bwnv[$n]}" "${nft[$n]}")" \
    "$s" "$sr" "$(awk -v k="${rss[$n]}" 'BEGIN{printf "%.0f", k/1024}')" \
    "$(fmt "${jmh_apply[$n]:--}")" "$(ratio "${jmh_apply[$n]:-}" "${nft[$n]}")" \
    "$(fmt "${jmh_reapply[$n]:--}")" "$(fmt "${jmh_plan[$n]:--}")"
done
if [ -z "${SKIP_DATAPLANE:-}" ]; then
  echo
  echo "| data plane (TCP, 1 stream, median of $IPERF_RUNS) | Gbit/s | of no ruleset | of the floor (conntrack + 1 masquerade) |"
  echo "|---|---:|---:|---:|"
  pct() { awk -v a="$1" -v b="$2" 'BEGIN{if (a + 0 > 0 && b + 0 > 0) printf "%.1f%%", 100*a/b; else print "-"}'; }
  for n in none floor 1 10000 nofast seed; do
    case "$n" in
      none) label="no ruleset" ;;
      floor) label="floor: conntrack + one masquerade rule" ;;
      nofast) label="bridgewall ruleset, 1 network, --no-fast-path" ;;
      seed) label="seed iptables ruleset, 1 network" ;;
      *) label="bridgewall ruleset, $n network(s)" ;;
    esac
    echo "| $label | ${tput[$n]} | $(pct "${tput[$n]}" "${tput[none]}") | $(pct "${tput[$n]}" "${tput[floor]}") |"
  done
fi
