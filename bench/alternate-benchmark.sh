#!/usr/bin/env bash
# In-memory benchmark rows of this checkout and another, alternated so that both see the same load: each pair runs
# `./stainnorm benchmark ARGS` here, then in the baseline checkout, as fresh processes. Prints each run's method rows
# (the benchmark's wall and CPU columns) with the whole process's wall and user+system CPU seconds and the load average.
# A benchmark, not a test.
#
#   bench/alternate-benchmark.sh --baseline CHECKOUT [--pairs 3] -- [benchmark arguments, e.g. --methods stst --patches 500 --threads 2]
#
# e.g. `git worktree add /tmp/base main && bench/alternate-benchmark.sh --baseline /tmp/base -- --methods stst --threads 2`
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pairs=3 baseline=""
while [ $# -gt 0 ]; do
	case "$1" in
		--baseline) baseline="$(cd "$2" && pwd)"; shift 2 ;;
		--pairs) pairs="$2"; shift 2 ;;
		--) shift; break ;;
		-h|--help) sed -n '2,9p' "$0"; exit 0 ;;
		*) echo "alternate-benchmark.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
[ -n "$baseline" ] || { echo "alternate-benchmark.sh: --baseline CHECKOUT is required (see --help)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "alternate-benchmark.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$here/stainnorm" --help >/dev/null # builds both before the timing
"$baseline/stainnorm" --help >/dev/null
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); benchmark $*"
for ((p = 1; p <= pairs; p++)); do
	for side in this baseline; do
		dir="$here"
		[ "$side" = baseline ] && dir="$baseline"
		load=$(cut -d' ' -f1 /proc/loadavg)
		/usr/bin/time -f '%e %U %S' -o "$work/time" "$dir/stainnorm" benchmark "$@" >"$work/out" 2>"$work/err" ||
			{ echo "$side: the benchmark failed:"; cat "$work/err" "$work/out"; exit 1; }
		read -r wall user sys <"$work/time"
		echo "pair $p, $side (load $load): process $wall s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}') s CPU"
		# the method rows: a known method name first
		grep -E '^(method|stst|reinhard|macenko|khan|vahadane) ' "$work/out" | sed 's/^/    /'
	done
done
