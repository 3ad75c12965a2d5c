#!/usr/bin/env bash
# Side-by-side benchmarks of bridgewall against `nft -f` of the identical ruleset and against
# the seed's one-iptables-call-per-rule approach, on JDK 17 and JDK 25; large hosts (10,000
# networks with gaps, consecutive, and discovered from a real dockerd); peak RSS; in-process
# JMH numbers; forwarding throughput through the ruleset; and at the end the table of issue
# 12's targets, met or missed.
#
#   sudo bench/run.sh                          # everything: about 12 minutes on 2 CPUs, plus
#                                              # dockerd making 10,000 networks for discovery (30-60 min)
#   SKIP_DISCOVERY=1 sudo bench/run.sh         # all but the discovery row
#   sudo OUT=bench/last-run.txt bench/run.sh   # also writes its output there
#   SIZES="1 100" RUNS=3 CONSECUTIVE=100 SKIP_JMH=1 SKIP_DATAPLANE=1 SKIP_LAB=1 SKIP_DISCOVERY=1 sudo bench/run.sh
#
# Knobs and what each measurement is: bench/README.md.
#
# Installs the Debian packages it needs when they are missing (apt-get), so one command
# works on a fresh machine. Builds the jars with Maven when they are missing. Every ruleset is loaded into a network namespace made for the
# run (`ip netns add bwbench-*`), never into this machine's own; all of them are deleted on exit,
# also on failure or Ctrl-C. Traffic only flows between namespaces made here, with the
# documentation range 203.0.113.0/24 as the "public" side.
set -euo pipefail
# OUT is relative to where run.sh was started, like any path on a command line.
out=${OUT:-}
case $out in "" | /*) ;; *) out="$PWD/$out" ;; esac
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

SIZES=${SIZES:-"1 100 1000 10000"}
RUNS=${RUNS:-5}                    # runs per measurement (median); fewer at 10,000 networks
RUNS_LARGE=${RUNS_LARGE:-3}        # runs at 10,000 networks and more
CONSECUTIVE=${CONSECUTIVE:-10000}  # consecutive /24s, as Docker's address pools hand them out (0: skip)
SEED_BUDGET_S=${SEED_BUDGET_S:-180} # the seed's approach at a size only if predicted below this
JMH_ARGS=${JMH_ARGS:-"-wi 3 -i 5 -w 1s -r 1s -f 1"}
IPERF_SECONDS=${IPERF_SECONDS:-5}
# The two JDKs of the cold-start rows: 17 is what the README installs (the java on PATH unless
# that is another version); JDK 25 is optional (JAVA25= skips it). The launcher runs the one
# BRIDGEWALL_JAVA names.
jdk17_default=java
[ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ] && jdk17_default=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
JAVA17=${JAVA17:-$jdk17_default}
JAVA25=${JAVA25-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
# Large hosts through discovery (bench/discovery.sh: a real dockerd with that many networks).
DISCOVERY_SCRIPT=${DISCOVERY_SCRIPT:-bench/discovery.sh}
DISCOVERY_NETWORKS=${DISCOVERY_NETWORKS:-10000}
DISCOVERY_TIMEOUT_S=${DISCOVERY_TIMEOUT_S:-5400} # a safety net: discovery.sh bounds its own steps
# The lab measurements run by default (WatchLatencyMeasurement takes minutes: by hand, bench/WATCH.md).
LAB_TESTS=${LAB_TESTS:-SeedReloadUnderTrafficMeasurement,BridgeIsolationCostMeasurement,RulesetMonitorMeasurement}
PREFIX=bwbench-$$

die() { echo "bench: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, netlink); run with sudo"
for v in RUNS RUNS_LARGE CONSECUTIVE SEED_BUDGET_S IPERF_SECONDS DISCOVERY_NETWORKS DISCOVERY_TIMEOUT_S; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v=${!v}: give a whole number"
done
for n in $SIZES; do [[ $n =~ ^[1-9][0-9]*$ ]] || die "SIZES=\"$SIZES\": give whole numbers of networks, e.g. SIZES=\"1 100\""; done
[ "$RUNS" -ge 1 ] && [ "$RUNS_LARGE" -ge 1 ] || die "RUNS and RUNS_LARGE must be at least 1"
[ "$CONSECUTIVE" -le 65536 ] || die "CONSECUTIVE=$CONSECUTIVE: at most 65536 consecutive /24s fit in 10.0.0.0/8"

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
command -v "$JAVA17" >/dev/null 2>&1 || die "JAVA17=$JAVA17 is not a java binary"
if [ -n "$JAVA25" ] && [ ! -x "$JAVA25" ]; then
  echo "bench: no JDK 25 at $JAVA25 (JAVA25=/path/to/java); the JDK 25 rows are skipped" >&2
  JAVA25=""
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
tee_pid=""
cleanup() {
  if [ -n "$iperf_pid" ]; then kill "$iperf_pid" 2>/dev/null || true; fi
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  # namespaces made by hyperfine's --prepare (same prefix)
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$PREFIX-" || true); do
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$work"
  # Let tee write the last lines before the script is gone.
  if [ -n "$tee_pid" ]; then exec >&- 2>&-; wait "$tee_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "$out" ]; then
  : >"$out" || die "cannot write OUT=$out"
  exec > >(tee "$out")
  tee_pid=$!
fi

newns() { ip netns add "$1"; namespaces+=("$1"); }

# Network i gets bw<i> and a /24 that is not adjacent to its neighbours, so interval sets
# keep N ranges instead of merging them.
subnet() { echo "10.$(($1 / 128)).$((($1 % 128) * 2)).0/24"; }
gen_args() { # the --bridge options for N bridges, one word per line (bridgewall reads no @files)
  awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "--bridge\nbw%d=10.%d.%d.0/24\n", i, int(i / 128), (i % 128) * 2 }' \
    >"$work/args$1"
}
# Network i gets the i-th /24 of 10.0.0.0/8 (10.0.0.0/24, 10.0.1.0/24, ...): what Docker's
# address pools hand out. The planner merges them into one interval; nft -f is slow on them.
gen_consecutive_args() {
  awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "--bridge\nbw%d=10.%d.%d.0/24\n", i, int(i / 256), i % 256 }' \
    >"$work/args-consecutive$1"
}
gen_seed() { # the seed's approach: one iptables call per rule, in the order the blog post uses
  {
    echo 'set -e'
    echo 'iptables -t filter -F; iptables -t filter -X; iptables -t nat -F; iptables -t nat -X'
    echo 'iptables -t filter -P INPUT DROP; iptables -t filter -P OUTPUT ACCEPT; iptables -t filter -P FORWARD ACCEPT'
    echo 'iptables -t filter -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'
    echo 'iptables -t filter -A INPUT -i lo -j ACCEPT'
    echo 'iptables -t filter -A INPUT -p tcp --dport 22 -j ACCEPT'
    awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) {
        printf "iptables -t nat -A POSTROUTING ! -o bw%d -s 10.%d.%d.0/24 -j MASQUERADE\n", i, int(i / 128), (i % 128) * 2
        printf "iptables -t filter -A FORWARD -i bw%d -d 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16 -j DROP\n", i } }'
  } >"$work/seed$1.sh"
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
number() { [[ ${1:-} =~ ^[0-9]+([.][0-9]+)?$ ]]; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN{print a-b}'; }
fmt() { awk -v v="$1" 'BEGIN { if (v == "" || v == "-") print "-"; else if (v < 1) printf "%.3f", v; else if (v < 10) printf "%.2f", v; else printf "%.0f", v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-" || b == 0) print "-"; else printf "%.2fx", a / b }'; }
mib() { awk -v k="$1" 'BEGIN { if (k == "" || k == "-") print "-"; else printf "%.0f MiB", k / 1024 }'; }
with_commas() { awk -v n="$1" 'BEGIN { s = sprintf("%d", n); r = ""; while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) } print s r }'; }
nets() { if [ "$1" = 1 ]; then echo "1 network"; else echo "$(with_commas "$1") networks"; fi; }

# One fresh namespace per timed run: PREPARE deletes and recreates it.
ns_for() { echo "$PREFIX-$1"; }
prep() { local ns; ns=$(ns_for "$1"); echo "ip netns del $ns 2>/dev/null; ip netns add $ns"; }

# timed NAME RUNS KEY COMMAND: sets `ms` to the median of COMMAND's runs minus $base (starting
# bash -c, measured the same way), each run into a fresh namespace (prep KEY). A failing command
# stops the benchmark.
timed() {
  local t
  t=$(median_ms "$1" "$2" "$(prep "$3")" "$4") || die "$1: the timed command failed: $4"
  ms=$(minus "$t" "$base")
}
# apply_cmd JAVA NS ARGS_FILE [OPTION...]: the command line timed for `bridgewall apply`, as a
# string for median_ms (no single quotes in it: median_ms wraps it in them).
apply_cmd() {
  local java=$1 ns=$2 args=$3
  shift 3
  echo "BRIDGEWALL_JAVA=$java ./bridgewall apply --netns $ns --no-docker $* \$(cat $args) >/dev/null"
}
# peak_rss_kib KEY COMMAND...: median peak RSS (KiB) of 3 runs of COMMAND, each into a fresh
# namespace (made by prep KEY).
peak_rss_kib() {
  local key=$1 i
  shift
  for i in 1 2 3; do
    bash -c "$(prep "$key")"
    /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null
    tail -1 "$work/rss"
  done | sort -n | sed -n 2p
}

# Which Java the launcher really runs when BRIDGEWALL_JAVA names one (its java.runtime.version;
# the launcher ignores variables it does not know).
jvm_run_by_launcher() {
  BRIDGEWALL_JAVA="$1" BRIDGEWALL_JAVA_OPTS=-XshowSettings:properties ./bridgewall --version 2>&1 \
    | awk -F' = ' '/^ *java.runtime.version =/ { print $2; exit }'
}

started=$SECONDS
echo "== machine"
jdk17_version=$("$JAVA17" -version 2>&1 | head -1)
jdk25_version="-"; [ -z "$JAVA25" ] || jdk25_version=$("$JAVA25" -version 2>&1 | head -1)
machine="$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r), JDK 17: $jdk17_version, JDK 25: $jdk25_version, nft $(nft --version | awk '{print $2}'), $(iptables -V)"
echo "$machine"

# The JDK each cold-start column names, and a note when the launcher ran another one.
declare -A jdk_java jdk_ran jdk_note
jdks="17"; [ -z "$JAVA25" ] || jdks="17 25"
jdk_java[17]=$JAVA17; jdk_java[25]=$JAVA25
for j in $jdks; do
  jdk_ran[$j]=$(jvm_run_by_launcher "${jdk_java[$j]}")
  jdk_note[$j]=""
  case ${jdk_ran[$j]} in
    "$j" | "$j".* | "$j"+* | "$j"-*) echo "JDK $j: the launcher runs ${jdk_java[$j]} (${jdk_ran[$j]})" ;;
    *) jdk_note[$j]="the launcher ignores BRIDGEWALL_JAVA (ran ${jdk_ran[$j]:-an unknown JVM})"
       echo "JDK $j: ${jdk_note[$j]} for ${jdk_java[$j]}: its figures are not JDK $j's" ;;
  esac
done
echo

# The launcher writes its class-data archive (an AOT cache on JDK 24+) after the first apply
# with each JVM; make sure those first runs (about a second longer) are not timed ones.
warm=$PREFIX-warm; newns "$warm"
for j in $jdks; do
  for i in 1 2; do
    ip netns del "$warm"; ip netns add "$warm"
    BRIDGEWALL_JAVA=${jdk_java[$j]} ./bridgewall apply --netns "$warm" --no-docker --bridge bw0=10.0.0.0/24 >/dev/null
  done
done
ip netns del "$warm"

declare -A bw bw25 bwnv nft seed rss rss25 nft_rss jmh_apply jmh_reapply jmh_plan
echo "== whole process, median of runs, each into a fresh namespace (gaps between the /24s)"
for n in $SIZES; do
  runs=$RUNS; [ "$n" -ge 10000 ] && runs=$RUNS_LARGE
  gen_args "$n"
  ns=$(ns_for "w$n")
  namespaces+=("$ns")
  args=$work/args$n
  # shellcheck disable=SC2046 # one word per line, no spaces in them
  ./bridgewall plan --no-docker $(cat "$args") >"$work/plan$n.nft"
  base=$(median_ms "true$n" "$runs" "$(prep "w$n")" "true")
  timed "nft$n" "$runs" "w$n" "ip netns exec $ns nft -f $work/plan$n.nft"; nft[$n]=$ms
  timed "bw$n" "$runs" "w$n" "$(apply_cmd "$JAVA17" "$ns" "$args")"; bw[$n]=$ms
  # Without the read-back check (nft -f does not read back either).
  timed "bwnv$n" "$runs" "w$n" "$(apply_cmd "$JAVA17" "$ns" "$args" --verify)"; bwnv[$n]=$ms
  bw25[$n]="-"
  if [ -n "$JAVA25" ]; then timed "bw25-$n" "$runs" "w$n" "$(apply_cmd "$JAVA25" "$ns" "$args")"; bw25[$n]=$ms; fi
  # Peak RSS: median of 3 runs.
  # shellcheck disable=SC2046
  rss[$n]=$(peak_rss_kib "w$n" env BRIDGEWALL_JAVA="$JAVA17" ./bridgewall apply --netns "$ns" --no-docker $(cat "$args"))
  rss25[$n]="-"
  # shellcheck disable=SC2046
  [ -z "$JAVA25" ] || rss25[$n]=$(peak_rss_kib "w$n" env BRIDGEWALL_JAVA="$JAVA25" ./bridgewall apply --netns "$ns" --no-docker $(cat "$args"))
  nft_rss[$n]=$(peak_rss_kib "w$n" ip netns exec "$ns" nft -f "$work/plan$n.nft")
  # The seed's approach, only where it finishes in the budget: predicted from the last size
  # measured, assuming linear growth (a lower bound: iptables-nft re-reads the growing ruleset).
  gen_seed "$n"
  seed[$n]="-"
  if [ -n "${seed_per_net:-}" ] && awk -v p="$seed_per_net" -v n="$n" -v b="$SEED_BUDGET_S" 'BEGIN{exit !(p*n/1000 > b)}'; then
    seed[$n]="~$(awk -v p="$seed_per_net" -v n="$n" 'BEGIN{printf "%.0f", p*n}')"
    echo "  N=$n: seed approach skipped (predicted ${seed[$n]} ms > ${SEED_BUDGET_S}s; linear extrapolation)"
  else
    sruns=$runs; [ "$n" -ge 1000 ] && sruns=3
    if [ "$n" -ge 10000 ]; then
      # One run, cut off at the budget.
      bash -c "$(prep "w$n")"
      t0=$(date +%s%N)
      if timeout "$SEED_BUDGET_S" ip netns exec "$ns" bash "$work/seed$n.sh"; then
        seed[$n]=$(( ($(date +%s%N) - t0) / 1000000 ))
      elif [ -n "${seed_per_net:-}" ]; then
        seed[$n]="~$(awk -v p="$seed_per_net" -v n="$n" 'BEGIN{printf "%.0f", p*n}')"
        echo "  N=$n: seed approach cut off after ${SEED_BUDGET_S}s; linear extrapolation"
      else
        seed[$n]=">$((SEED_BUDGET_S * 1000))"
        echo "  N=$n: seed approach cut off after ${SEED_BUDGET_S}s"
      fi
    else
      timed "seed$n" "$sruns" "w$n" "ip netns exec $ns bash $work/seed$n.sh"; seed[$n]=$ms
      [ "$n" -ge 100 ] && seed_per_net=$(awk -v t="${seed[$n]}" -v n="$n" 'BEGIN{print t/n}')
    fi
  fi
  ip netns del "$ns" 2>/dev/null || true
  printf '  N=%-6s nft -f %8s ms   bridgewall JDK 17 %8s ms (--verify %s ms), JDK 25 %8s ms   seed %10s ms   RSS %s / %s KiB (nft -f %s KiB)\n' \
    "$n" "$(fmt "${nft[$n]}")" "$(fmt "${bw[$n]}")" "$(fmt "${bwnv[$n]}")" "$(fmt "${bw25[$n]}")" \
    "$(number "${seed[$n]}" && fmt "${seed[$n]}" || echo "${seed[$n]}")" \
    "${rss[$n]}" "${rss25[$n]}" "${nft_rss[$n]}"
done
echo

# Consecutive /24s: one merged interval for bridgewall, slow for nft -f (its interval code).
declare -A cons
if [ "$CONSECUTIVE" -gt 0 ]; then
  n=$CONSECUTIVE
  echo "== whole process, $n consecutive /24s (10.0.0.0/24, 10.0.1.0/24, ...: Docker's address pools)"
  runs=$RUNS; [ "$n" -ge 10000 ] && runs=$RUNS_LARGE
  gen_consecutive_args "$n"
  args=$work/args-consecutive$n
  ns=$(ns_for "c$n")
  namespaces+=("$ns")
  # shellcheck disable=SC2046
  ./bridgewall plan --no-docker $(cat "$args") >"$work/plan-consecutive$n.nft"
  base=$(median_ms "true-c$n" "$runs" "$(prep "c$n")" "true")
  timed "nft-c$n" "$runs" "c$n" "ip netns exec $ns nft -f $work/plan-consecutive$n.nft"; cons[nft]=$ms
  timed "bw-c$n" "$runs" "c$n" "$(apply_cmd "$JAVA17" "$ns" "$args")"; cons[17]=$ms
  cons[25]="-"
  if [ -n "$JAVA25" ]; then timed "bw25-c$n" "$runs" "c$n" "$(apply_cmd "$JAVA25" "$ns" "$args")"; cons[25]=$ms; fi
  ip netns del "$ns" 2>/dev/null || true
  printf '  N=%-6s nft -f %8s ms   bridgewall JDK 17 %8s ms, JDK 25 %8s ms\n' \
    "$n" "$(fmt "${cons[nft]}")" "$(fmt "${cons[17]}")" "$(fmt "${cons[25]}")"
  echo
fi

# Where a cold apply spends its time: one more run of each (not timed), phases printed by
# bridgewall itself (BRIDGEWALL_TIMING=1), and the wall time of that run.
profile() { # LABEL JAVA ARGS_FILE
  local label=$1 java=$2 args=$3 ns t0 t1
  ns=$(ns_for profile)
  bash -c "$(prep profile)"
  namespaces+=("$ns")
  t0=$(date +%s%N)
  # shellcheck disable=SC2046
  BRIDGEWALL_TIMING=1 BRIDGEWALL_JAVA=$java ./bridgewall apply --netns "$ns" --no-docker $(cat "$args") \
    >/dev/null 2>"$work/profile.err"
  t1=$(date +%s%N)
  ip netns del "$ns" 2>/dev/null || true
  echo "  $label: whole process $(((t1 - t0) / 1000000)) ms (one run, not a median)"
  grep '^bridgewall timing' "$work/profile.err" | sed 's/^/    /'
}
echo "== where the time goes (BRIDGEWALL_TIMING=1; one extra run each, not timed above)"
[ -f "$work/args1" ] || gen_args 1
profile "1 network, JDK 17" "$JAVA17" "$work/args1"
[ -z "$JAVA25" ] || profile "1 network, JDK 25" "$JAVA25" "$work/args1"
large=0; for n in $SIZES; do [ "$n" -gt "$large" ] && large=$n; done
[ "$large" -le 1 ] || profile "$(nets "$large") with gaps, JDK 17" "$JAVA17" "$work/args$large"
echo

if [ -z "${SKIP_JMH:-}" ]; then
  echo "== in process (JMH: engine loaded and warm; $JMH_ARGS)"
  sizes_csv=$(echo "$SIZES" | tr ' ' ',')
  # shellcheck disable=SC2086
  "$JAVA17" -jar "$benchjar" $JMH_ARGS -p networks="$sizes_csv" -jvmArgsAppend "-Dbench.netns.prefix=$PREFIX-jmh" -rf json -rff "$work/jmh.json" \
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
    mvn -B -ntp -pl integration-tests -am verify -Pmeasurements -Dtest="$LAB_TESTS" \
      -Dsurefire.failIfNoSpecifiedTests=false >"$work/measurements.log" 2>&1 \
      || { tail -40 "$work/measurements.log" >&2; die "lab measurements failed"; }
    # Each measurement prints a block starting with "measurement:"; Maven's own lines start with "[".
    awk '/^measurement:/ {on = 1} /^\[/ {on = 0} on' "$work/measurements.log" | sed 's/^/  /'
    echo
  fi
fi

# Large hosts through discovery, last: bench/discovery.sh starts a real dockerd in a namespace
# of its own (its thousands of bridges, made and deleted, would disturb the figures above), creates N networks, times nft -f and bridgewall apply against it and prints
# key=value lines (networks=, create_s=, nft_ms=, bridgewall_ms=, discovery_ms=, ratio=, rss_kib=,
# ...) and notes on stderr (shown after them).
declare -A disc
disc_note=""
if [ -n "${SKIP_DISCOVERY:-}" ]; then
  disc_note="skipped (SKIP_DISCOVERY=1)"
elif [ ! -f "$DISCOVERY_SCRIPT" ]; then
  disc_note="not measured: $DISCOVERY_SCRIPT is missing"
else
  echo "== $(with_commas "$DISCOVERY_NETWORKS") networks discovered from a real dockerd ($DISCOVERY_SCRIPT)"
  rc=0
  N=$DISCOVERY_NETWORKS RUNS=$RUNS_LARGE BRIDGEWALL_JAVA=$JAVA17 \
    timeout "$DISCOVERY_TIMEOUT_S" bash "$DISCOVERY_SCRIPT" >"$work/discovery.out" 2>"$work/discovery.err" || rc=$?
  while IFS= read -r line; do
    if [[ $line =~ ^([a-z][a-z0-9_]*)=(.*)$ ]]; then disc[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}; fi
  done <"$work/discovery.out"
  sed 's/^/  /' "$work/discovery.out"
  if [ "$rc" != 0 ]; then
    disc_note="failed (exit $rc$([ "$rc" = 124 ] && echo ", cut off after ${DISCOVERY_TIMEOUT_S}s"))"
    echo "  $DISCOVERY_SCRIPT $disc_note; its last lines:"
    tail -15 "$work/discovery.err" | sed 's/^/    /'
  else
    # Its notes: creation, the last run's phases, each run's time.
    sed 's/^/  /' "$work/discovery.err"
    if ! number "${disc[nft_ms]:-}" || ! number "${disc[bridgewall_ms]:-}"; then
      disc_note="not measured: $DISCOVERY_SCRIPT printed no nft_ms= and bridgewall_ms="
      echo "  $disc_note"
    fi
  fi
  echo
fi

echo "== results (medians; ms; ratios against nft -f of the identical ruleset, same run; JMH: mean ms/op)"
echo "Machine: $machine"
echo
echo "| networks | nft -f | apply, JDK 17 | ratio | apply --verify (read-back), JDK 17 | ratio | apply, JDK 25 | ratio | seed iptables calls | ratio | peak RSS nft -f | peak RSS JDK 17 | peak RSS JDK 25 | in-process apply (JMH) | ratio | in-process re-apply, unchanged (JMH) | plan only (JMH) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
  s=${seed[$n]}; sr="-"
  case "$s" in
    "~"*) sr="~$(ratio "${s#\~}" "${nft[$n]}") (extrapolated)"; s="$s (extrapolated)" ;;
    ">"*) sr=">$(ratio "${s#>}" "${nft[$n]}")"; s="$s (cut off)" ;;
    "-") ;;
    *) sr=$(ratio "$s" "${nft[$n]}"); s=$(fmt "$s") ;;
  esac
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(with_commas "$n")" \
    "$(fmt "${nft[$n]}")" "$(fmt "${bw[$n]}")" "$(ratio "${bw[$n]}" "${nft[$n]}")" \
    "$(fmt "${bwnv[$n]}")" "$(ratio "${bwnv[$n]}" "${nft[$n]}")" \
    "$(fmt "${bw25[$n]}")" "$(ratio "${bw25[$n]}" "${nft[$n]}")" \
    "$s" "$sr" "$(mib "${nft_rss[$n]}")" "$(mib "${rss[$n]}")" "$(mib "${rss25[$n]}")" \
    "$(fmt "${jmh_apply[$n]:--}")" "$(ratio "${jmh_apply[$n]:-}" "${nft[$n]}")" \
    "$(fmt "${jmh_reapply[$n]:--}")" "$(fmt "${jmh_plan[$n]:--}")"
done
if [ "$CONSECUTIVE" -gt 0 ]; then
  printf '| %s consecutive /24s | %s | %s | %s | | | %s | %s | | | | | | | | | |\n' "$(with_commas "$CONSECUTIVE")" \
    "$(fmt "${cons[nft]}")" "$(fmt "${cons[17]}")" "$(ratio "${cons[17]}" "${cons[nft]}")" \
    "$(fmt "${cons[25]}")" "$(ratio "${cons[25]}" "${cons[nft]}")"
fi
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

# --- issue 12's targets ----------------------------------------------------------------------
# verdict VALUE LIMIT at-most|at-least UNIT: "met (...)" or "missed by FACTOR (...)".
verdict() {
  awk -v v="$1" -v l="$2" -v dir="$3" -v u="$4" 'BEGIN {
    if (dir == "at-most") {
      f = (u == "x") ? "%.2f" : "%.0f"
      if (v <= l) printf "met (" f "%s <= %g%s)", v, u, l, u
      else printf "missed by %.2fx (" f "%s > %g%s)", v / l, v, u, l, u
    } else {
      if (v >= l) printf "met (%.1f%s >= %g%s)", v, u, l, u
      else printf "missed by %.1f points (%.1f%s < %g%s)", l - v, v, u, l, u
    } }'
}
# time_row FIGURE NFT_MS BRIDGEWALL_MS LIMIT (a ratio) WHY_NOT (a reason when not measured).
time_row() {
  local figure=$1 nft_ms=$2 bw_ms=$3 limit=$4 why_not=${5:-}
  if [ -n "$why_not" ] || ! number "$nft_ms" || ! number "$bw_ms"; then
    printf '| %s | %s | %s | - | <= %sx | %s |\n' "$figure" "$(fmt "$nft_ms")" "$(fmt "$bw_ms")" "$limit" "${why_not:-not measured}"
    return
  fi
  printf '| %s | %s | %s | %s | <= %sx | %s |\n' "$figure" "$(fmt "$nft_ms")" "$(fmt "$bw_ms")" \
    "$(ratio "$bw_ms" "$nft_ms")" "$limit" "$(verdict "$(awk -v a="$bw_ms" -v b="$nft_ms" 'BEGIN{print a/b}')" "$limit" at-most x)"
}
# Why a JDK's cold-start figure cannot count: not measured, or another JVM ran.
jdk_why_not() {
  if [ "$1" = 25 ] && [ -z "$JAVA25" ]; then echo "not measured: no JDK 25 (JAVA25=/path/to/java)"
  elif [ -n "${jdk_note[$1]:-}" ]; then echo "not JDK $1: ${jdk_note[$1]}"
  fi
}
has_size() { [[ " $SIZES " == *" $1 "* ]]; }
size_why_not() { has_size "$1" || echo "not measured: $1 is not in SIZES"; }

echo
echo "== targets (issue 12): medians, each run into a fresh namespace; ms; ratio = bridgewall / nft -f of the identical ruleset, same run"
echo "Machine: $machine"
echo
echo "| figure | nft -f | bridgewall | ratio | target | met? |"
echo "|---|---:|---:|---:|---:|---|"
for j in 17 25; do
  limit=5; [ "$j" = 25 ] && limit=3
  bwj=${bw[1]:-}; [ "$j" = 25 ] && bwj=${bw25[1]:-}
  time_row "\`./bridgewall apply\`, 1 network, whole process, JDK $j" "${nft[1]:-}" "$bwj" "$limit" \
    "$(size_why_not 1)$(has_size 1 && jdk_why_not "$j")"
done
# The seed's separate iptables calls in the bridgewall column: JDK 25's target is to beat them.
if has_size 1 && number "${seed[1]:-}"; then
  faster="-"
  if number "${bw25[1]:-}" && [ -z "$(jdk_why_not 25)" ]; then
    faster=$(awk -v b="${bw25[1]}" -v s="${seed[1]}" 'BEGIN { printf "JDK 25 apply %s than the seed (%.2fx its time)", (b < s ? "faster" : "slower"), b / s }')
  fi
  printf '| the seed'"'"'s iptables calls instead, 1 network | %s | %s | %s | JDK 25 faster | %s |\n' \
    "$(fmt "${nft[1]}")" "$(fmt "${seed[1]}")" "$(ratio "${seed[1]}" "${nft[1]}")" "$faster"
fi
for j in 17 25; do
  bwj=${bw[$large]:-}; [ "$j" = 25 ] && bwj=${bw25[$large]:-}
  time_row "\`./bridgewall apply\`, $(nets "$large") with gaps between the /24s, JDK $j" "${nft[$large]:-}" "$bwj" 1.5 "$(jdk_why_not "$j")"
done
for j in 17 25; do
  time_row "\`./bridgewall apply\`, $(with_commas "$CONSECUTIVE") consecutive /24s (Docker's address pools), JDK $j" "${cons[nft]:-}" "${cons[$j]:-}" 0.5 \
    "$(if [ "$CONSECUTIVE" -gt 0 ]; then jdk_why_not "$j"; else echo "not measured: CONSECUTIVE=0"; fi)"
done
disc_label="\`./bridgewall apply\`, $(nets "${disc[networks]:-$DISCOVERY_NETWORKS}") discovered from a real dockerd, JDK 17"
if [ -z "$disc_note" ] && number "${disc[discovery_ms]:-}" && number "${disc[bridgewall_ms]:-}"; then
  disc_label+=" (discovery $(fmt "${disc[discovery_ms]}") ms, $(awk -v d="${disc[discovery_ms]}" -v b="${disc[bridgewall_ms]}" 'BEGIN{printf "%.0f", 100*d/b}')% of apply)"
fi
time_row "$disc_label" "${disc[nft_ms]:-}" "${disc[bridgewall_ms]:-}" 1.5 "$disc_note"
for j in 17 25; do
  rssj=${rss[$large]:-}; [ "$j" = 25 ] && rssj=${rss25[$large]:-}
  why=$(jdk_why_not "$j")
  if [ -z "$why" ] && number "$rssj"; then
    met=$(verdict "$(awk -v k="$rssj" 'BEGIN{print k/1024}')" 96 at-most " MiB")
  else
    met=${why:-not measured}
  fi
  printf '| peak RSS of apply, %s with gaps, JDK %s | %s | %s | %s | <= 96 MiB | %s |\n' "$(nets "$large")" "$j" \
    "$(mib "${nft_rss[$large]:-}")" "$(mib "$rssj")" "$(ratio "$rssj" "${nft_rss[$large]:-}")" "$met"
done
# The floor, tput[floor], is conntrack plus one masquerade rule and nothing else: what any
# masquerading ruleset pays per packet (the data-plane section measures it).
for n in 1 10000; do
  figure="TCP throughput through the ruleset, $(nets "$n") (nft -f column: the floor, conntrack + one masquerade rule)"
  if [ -n "${SKIP_DATAPLANE:-}" ]; then
    printf '| %s | - | - | - | >= 99%% | skipped (SKIP_DATAPLANE=1) |\n' "$figure"
  elif ! number "${tput[floor]:-}" || ! number "${tput[$n]:-}"; then
    printf '| %s | %s | %s | - | >= 99%% | not measured: no floor or ruleset figure from the data-plane section |\n' "$figure" \
      "${tput[floor]:--}" "${tput[$n]:--}"
  else
    pct=$(awk -v a="${tput[$n]}" -v b="${tput[floor]}" 'BEGIN{print 100*a/b}')
    printf '| %s | %s Gbit/s | %s Gbit/s | %.1f%% | >= 99%% | %s |\n' "$figure" "${tput[floor]}" "${tput[$n]}" "$pct" \
      "$(verdict "$pct" 99 at-least %)"
  fi
done
echo
echo "Runs: $RUNS per figure, $RUNS_LARGE at 10,000 networks and more (medians); the whole run took $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s."
