#!/bin/bash
# Normalize one big folder on a SLURM cluster: each task of the job array takes its own shard (i/n) of the
# sorted file list, so no two tasks touch the same image. Outputs that exist are skipped and every image is
# written atomically (temporary file + rename), so after a killed or timed-out job you simply submit the
# same array again and it carries on where it stopped.
#
#   ./stainnorm --help     # once, on the login node: builds the project before the tasks start
#   sbatch --array=1-16 macros/slurm_normalize_array.sh /data/slides_in /data/slides_out macenko /data/target.png [/data/target2.png ...]
#
# Whole-slide images (SVS, pyramidal TIFF, OME-TIFF; one pyramidal OUTPUT/NAME.tif each, tile by tile in bounded
# memory with one stain model per slide): put --slides first. Each task takes its shard of the sorted slides; a
# complete output is skipped and a slide whose task was killed resumes from its journal when the array is resubmitted:
#
#   sbatch --array=1-8 --mem=4G macros/slurm_normalize_array.sh --slides /data/svs /data/normalized macenko /data/target.png
#
# Arguments: INPUT_FOLDER OUTPUT_FOLDER [METHOD (default macenko)] [REFERENCE_IMAGE ...] (one argument per reference
# image, pooled; none for stst). Any path works, also with spaces, commas, brackets or quotes: each is passed as one
# quoted value ('...', or "..." when it holds a '); only a path holding both ' and " is refused.
#
# Submit from the project root (or set STAINNORM_HOME to it).
# Uses ./stainnorm from a checkout of this project (exit code non-zero on failure, so SLURM marks the task
# FAILED); set FIJI=/path/to/ImageJ-linux64 to run inside a Fiji installation instead (same keys; note that
# Fiji's own --run reports success even when the command failed, so check the log there, and that it may not
# add up a repeated reference_images key: give it one reference image).
#SBATCH --job-name=stainnorm
#SBATCH --cpus-per-task=4
#SBATCH --mem=16G
#SBATCH --time=04:00:00
#SBATCH --output=stainnorm-%A_%a.log
set -euo pipefail
usage="usage: slurm_normalize_array.sh [--slides] INPUT_FOLDER OUTPUT_FOLDER [METHOD] [REFERENCE_IMAGE ...]"
slides=false
if [ "${1:-}" = --slides ]; then
	slides=true
	shift
fi
if [ $# -lt 2 ]; then echo "$usage" >&2; exit 2; fi
input=$1
output=$2
method=${3:-macenko}
references=("${@:4}")
shard="${SLURM_ARRAY_TASK_ID:-1}/${SLURM_ARRAY_TASK_COUNT:-1}"
threads=${SLURM_CPUS_PER_TASK:-1}

# One --run value in quotes, so that , ] = and spaces stay in it: '...', or "..." when the text holds a '.
quoted() {
	case $1 in
		*\'*) printf '"%s"' "$1" ;;
		*) printf "'%s'" "$1" ;;
	esac
}
for value in "$input" "$output" "$method" "${references[@]}"; do
	case $value in
		*\'*\"* | *\"*\'*)
			echo "slurm_normalize_array.sh: $value holds both ' and \"; the --run syntax cannot quote it, rename it" >&2
			exit 2
			;;
	esac
done
if $slides; then
	echo "shard $shard of the slides in $input -> $output ($method)"
	if [ -n "${FIJI:-}" ]; then
		# Fiji's command takes one slide: this task's share of the sorted slides, one run each
		mapfile -t all < <(find "$input" -maxdepth 1 -type f \( -iname '*.svs' -o -iname '*.tif' -o -iname '*.tiff' -o -iname '*.btf' \
			-o -iname '*.tf8' -o -iname '*.tf2' \) ! -name '.*' | LC_ALL=C sort)
		mkdir -p "$output"
		status=0
		for ((i = ${shard%/*} - 1; i < ${#all[@]}; i += ${shard#*/})); do
			name=$(basename "${all[$i]}")
			base=${name%.*}
			base=${base%.[oO][mM][eE]}
			parameters="input_file=$(quoted "${all[$i]}"),output_file=$(quoted "$output/$base.tif"),method=$(quoted "$method"),threads=$threads"
			for reference in "${references[@]}"; do parameters="$parameters,reference_images=$(quoted "$reference")"; done
			"$FIJI" --headless --run "Normalize Whole Slide" "$parameters" || status=1
		done
		exit $status
	fi
	here="${STAINNORM_HOME:-${SLURM_SUBMIT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}}"
	command=("$here/stainnorm" slide --method "$method" --shard "$shard" --threads "$threads" --output "$output")
	for reference in "${references[@]}"; do command+=(--reference "$reference"); done
	STAINNORM_JAVA_OPTS="${STAINNORM_JAVA_OPTS:--Xmx2g}" exec "${command[@]}" "$input"
fi
parameters="input_folder=$(quoted "$input"),output_folder=$(quoted "$output"),method=$(quoted "$method"),shard=$shard,threads=$threads"
for reference in "${references[@]}"; do parameters="$parameters,reference_images=$(quoted "$reference")"; done
echo "shard $shard of $input -> $output ($method)"
if [ -n "${FIJI:-}" ]; then
	exec "$FIJI" --headless --run "Normalize Stain (Folder)" "$parameters"
else
	here="${STAINNORM_HOME:-${SLURM_SUBMIT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}}"
	STAINNORM_JAVA_OPTS="${STAINNORM_JAVA_OPTS:--Xmx12g}" exec "$here/stainnorm" --headless --run "Normalize Stain (Folder)" "$parameters"
fi
