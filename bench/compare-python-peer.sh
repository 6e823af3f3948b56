#!/usr/bin/env bash
# Whole jobs side by side: the same folder of PNG patches normalized by `./stainnorm normalize` (a fresh process
# each time, as a user runs it) and by the Python peer (torchstain's numpy backend + PIL, one process with a pool
# of workers), alternated so that both see the same load. A benchmark, not a test: when no Python here has torchstain,
# numpy and PIL, it says which of them each python3 lacks and how to install them, and times only this project (and
# --baseline, if given). PYTHON=/path/to/python3 names the peer's interpreter.
#
#   bench/compare-python-peer.sh [--patches 500] [--pairs 3] [--methods reinhard,macenko] [--threads N]
#                                [--baseline CHECKOUT] [--work DIR]
#
# --baseline CHECKOUT also times another checkout's ./stainnorm (e.g. `git worktree add /tmp/base main`) in the
# same alternation. Methods other than reinhard and macenko (stst, khan, vahadane) have no torchstain peer and are
# timed for this project (and the baseline) only. Macenko runs with --options tissue=channels, the rule torchstain uses (same output to within
# one gray level). The patches: `./stainnorm benchmark --io --keep` (500 random 256x256 crops of the shared
# glioblastoma tiles when present). Prints one line per run and the median wall time per program and method.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
patches=500 pairs=3 methods=reinhard,macenko threads=$(nproc) baseline="" work=""
while [ $# -gt 0 ]; do
	case "$1" in
		--patches) patches="$2"; shift 2 ;;
		--pairs) pairs="$2"; shift 2 ;;
		--methods) methods="$2"; shift 2 ;;
		--threads) threads="$2"; shift 2 ;;
		--baseline) baseline="$(cd "$2" && pwd)"; shift 2 ;;
		--work) work="$2"; shift 2 ;;
		-h|--help) sed -n '2,15p' "$0"; exit 0 ;;
		*) echo "compare-python-peer.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
if [ -z "$work" ]; then work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"
[ -z "$(ls -A "$work")" ] || { echo "compare-python-peer.sh: $work is not empty" >&2; exit 2; }

# The peer's Python: $PYTHON, else the first python3 on PATH, else Debian's /usr/bin/python3, whichever imports all of
# torchstain, numpy and PIL; otherwise the line below names, for each interpreter looked at, the modules it lacks.
python_peer="" python_report=()
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
for p in "$(command -v python3 || true)" /usr/bin/python3; do
	[ -n "$p" ] && [ -x "$p" ] && [[ " ${candidates[*]} " != *" $p "* ]] && candidates+=("$p")
done
for p in "${candidates[@]}"; do
	missing=$("$p" -c 'import importlib.util as u; print(" ".join(m for m in ("numpy", "PIL", "torchstain") if u.find_spec(m) is None))' 2>/dev/null) ||
		{ python_report+=("$p: does not run"); continue; }
	if [ -z "$missing" ]; then python_peer="$p"; break; fi
	python_report+=("$p ($("$p" -c 'import sys; print(sys.version.split()[0])')) lacks: $missing")
done
if [ -n "$python_peer" ]; then
	echo "Python peer: $python_peer, torchstain $("$python_peer" -c 'import importlib.metadata as m; print(m.version("torchstain"))' 2>/dev/null || echo '(version unknown)')"
else
	echo "Python peer skipped: no Python here imports torchstain, numpy and PIL${python_report[*]:+:}"
	for r in "${python_report[@]}"; do echo "  $r"; done
	[ ${#candidates[@]} -gt 0 ] || echo "  (no python3 found)"
	echo "  numpy and PIL come from Debian (apt-get install -y python3-numpy python3-pil); torchstain is in no Debian"
	echo "  package and needs PyPI; where PyPI is reachable:"
	echo "    apt-get install -y python3-numpy python3-pil python3-venv"
	echo "    python3 -m venv --system-site-packages /opt/torchstain && /opt/torchstain/bin/pip install torchstain==1.4.1"
	echo "    PYTHON=/opt/torchstain/bin/python3 bench/compare-python-peer.sh ..."
	echo "  This run times only the Java side (and --baseline, if given)."
fi

echo "Making $patches input patches..."
"$here/stainnorm" benchmark --io --methods reinhard --patches "$patches" --threads "$threads" --keep "$work/job" >/dev/null
inputs="$work/job/in"
reference="$inputs/patch_0000.png"
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

cat >"$work/peer.py" <<'PY'
import os, sys, glob
from multiprocessing import Pool
import numpy as np
from PIL import Image
import torchstain

method, reference, inputs, output, threads = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
target = np.array(Image.open(reference).convert("RGB"))
if method == "reinhard":
    normalizer = torchstain.normalizers.ReinhardNormalizer(backend="numpy")
else:
    normalizer = torchstain.normalizers.MacenkoNormalizer(backend="numpy")
normalizer.fit(target)

def one(path):
    img = np.array(Image.open(path).convert("RGB"))
    out = normalizer.normalize(I=img)
    out = out[0] if isinstance(out, tuple) else out
    Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)).save(os.path.join(output, os.path.basename(path)))

if __name__ == "__main__":
    with Pool(threads) as pool:
        pool.map(one, sorted(glob.glob(os.path.join(inputs, "*.png"))), chunksize=8)
PY

results="$work/times.tsv"
: >"$results"
run() { # program method command... ({out} stands for the output folder)
	local program="$1" method="$2"; shift 2
	local out="$work/out-$program-$method" args=() a
	rm -rf "$out"; mkdir -p "$out"
	for a in "$@"; do [ "$a" = "{out}" ] && args+=("$out") || args+=("$a"); done
	local start end cpu wall
	start=$(date +%s.%N)
	/usr/bin/time -f '%U %S' -o "$work/cpu" "${args[@]}" >/dev/null 2>"$work/err" || { echo "$program $method failed:"; cat "$work/err"; exit 1; }
	end=$(date +%s.%N)
	cpu=$(awk '{print $1 + $2}' "$work/cpu")
	wall=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
	printf '%s\t%s\t%s\t%s\t%s\n' "$program" "$method" "$wall" "$cpu" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$results"
}
[ -x /usr/bin/time ] || { echo "compare-python-peer.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
[ -z "$baseline" ] || "$baseline/stainnorm" --help >/dev/null # builds the baseline before the timing
echo -e "program\tmethod\twall_s\tcpu_s\tload"
IFS=, read -ra list <<<"$methods"
for ((p = 1; p <= pairs; p++)); do
	for m in "${list[@]}"; do
		options=(--reference "$reference")
		[ "$m" = macenko ] && options+=(--options tissue=channels)
		[ "$m" = stst ] && options=() # no reference; no Python peer either
		run this "$m" "$here/stainnorm" normalize --method "$m" "${options[@]}" --threads "$threads" --output "{out}" "$inputs"
		[ -z "$baseline" ] || run baseline "$m" "$baseline/stainnorm" normalize --method "$m" "${options[@]}" --threads "$threads" --output "{out}" "$inputs"
		if [ -n "$python_peer" ] && { [ "$m" = reinhard ] || [ "$m" = macenko ]; }; then
			run torchstain "$m" "$python_peer" "$work/peer.py" "$m" "$reference" "$inputs" "{out}" "$threads"
		fi
	done
done
echo
echo "Median (the lower middle one of an even count) wall and CPU seconds per job of $patches files, $threads threads:"
for m in "${list[@]}"; do
	for program in this baseline torchstain; do
		walls=$(awk -F'\t' -v p="$program" -v m="$m" '$1 == p && $2 == m {print $3}' "$results" | sort -n)
		cpus=$(awk -F'\t' -v p="$program" -v m="$m" '$1 == p && $2 == m {print $4}' "$results" | sort -n)
		[ -n "$walls" ] || continue
		n=$(wc -l <<<"$walls")
		printf '  %-10s %-10s %6s s wall (%s s CPU)\n' "$m" "$program" "$(sed -n "$(((n + 1) / 2))p" <<<"$walls")" "$(sed -n "$(((n + 1) / 2))p" <<<"$cpus")"
	done
done
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
