#!/usr/bin/env bash
# Submits a sharded step to Slurm: an array of SHARDS tasks, then one merge job that runs only if every task
# succeeded (--dependency=afterok), and prints the job ids and how to follow them.
#   scripts/slurm/submit.sh extract    (make slurm-extract DATA= FRAMES= SHARDS=16 [BACKBONE= CROP= ...])
#   scripts/slurm/submit.sh sweep      (make slurm-sweep [DATA= FRAMES= BACKBONES= ARCHS= EPOCHS= SEEDS=] SHARDS=8)
# Settings come from the environment (make passes its variables): SHARDS, PARTITION, TIME, MEM (per task),
# CPUS (per task), CONFIG (a pipeline.yaml other than ./pipeline.yaml), AFTER (a job id to wait for, e.g. the extraction's merge), TASKS (resubmit only these shards,
# e.g. 2,5), and the step's own variables below. The binaries, data, caches and results must be on a
# filesystem every node sees; jobs start in this folder.
set -euo pipefail
cd "$(dirname "$0")/../.."

step=${1:-}
die() { echo "slurm-$step: $*" >&2; exit 1; }
[ "$step" = extract ] || [ "$step" = sweep ] || { echo "usage: $0 extract|sweep" >&2; exit 2; }
command -v sbatch >/dev/null || die "sbatch is missing: run this on a Slurm login node (or scripts/slurm/local-cluster.sh start)"
# The merge job must know the datasets; pipeline.yaml's defaults are not read here.
[ -n "${DATA:-}" ] || die "DATA= is required (the dataset, or for slurm-sweep comma-separated datasets)"
shards=${SHARDS:-16}
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || die "SHARDS=$shards must be a positive number"
tasks=${TASKS:-0-$((shards - 1))}
bin=${DEEPFAKE_BIN:-.build/release}
[ -x "$bin/extract" ] && [ -x "$bin/train" ] || die "$bin/extract or $bin/train is missing: run make build"
logs=${SLURM_LOGS:-logs/slurm}
mkdir -p "$logs"

# Options every job gets; empty variables leave the cluster's defaults.
common=(--parsable --chdir="$PWD" --export=ALL,DEEPFAKE_BIN="$bin")
[ -z "${PARTITION:-}" ] || common+=(--partition="$PARTITION")
[ -z "${TIME:-}" ] || common+=(--time="$TIME")
[ -z "${MEM:-}" ] || common+=(--mem="$MEM")
array_opts=("${common[@]}" --array="$tasks" --output="$logs/%x-%A_%a.out")
[ -z "${CPUS:-}" ] || array_opts+=(--cpus-per-task="$CPUS")
[ -z "${AFTER:-}" ] || array_opts+=(--dependency=afterok:"$AFTER")

flag() { [ -z "${2:-}" ] || args+=("$1" "$2"); }
args=()
flag --config "${CONFIG:-}"
if [ "$step" = extract ]; then
    flag --data "${DATA:-}"; flag --frames "${FRAMES:-}"; flag --backbone "${BACKBONE:-}"; flag --crop "${CROP:-}"
    merge_args=("${args[@]}")
    [ -z "${COPY:-}" ] || [ "${COPY}" = 0 ] || merge_args+=(--copy)
    # The merge compares the shards' weights hash with this file (or the published one under models/).
    [ -z "${WEIGHTS:-}" ] || merge_args+=(--weights "$WEIGHTS")
    flag --data-dir "${DATA_DIR:-}"; flag --weights "${WEIGHTS:-}"; flag --batch-size "${BATCH:-}"; flag --methods "${METHODS:-}"
    flag --compression "${COMPRESSION:-}"; flag --sampling "${SAMPLING:-}"; flag --face-scale "${FACE_SCALE:-}"
    flag --detect-max-side "${DETECT_MAX_SIDE:-}"; flag --no-face "${NO_FACE:-}"
    script=scripts/slurm/extract-array.sbatch
else
    merge_args=("${DATA:-}" "${args[@]}")
    flag --data "${DATA:-}"; flag --frames "${FRAMES:-}"; flag --data-dir "${DATA_DIR:-}"
    flag --backbones "${BACKBONES:-${BACKBONE:-}}"; flag --archs "${ARCHS:-${ARCH:-}}"; flag --crop "${CROP:-}"
    flag --epochs "${EPOCHS:-}"; flag --seeds "${SEEDS:-}"
    script=scripts/slurm/sweep-array.sbatch
fi

array=$(sbatch "${array_opts[@]}" "$script" "$shards" "${args[@]}") || die "sbatch refused the array job"
array=${array%%;*}
merge=$(sbatch "${common[@]}" --dependency=afterok:"$array" --job-name="merge-$step" --output="$logs/%x-%j.out" \
    scripts/slurm/merge.sbatch "$step" "${merge_args[@]}") || die "sbatch refused the merge job (the array $array is queued: scancel $array)"
merge=${merge%%;*}

cat <<MSG
slurm-$step: array job $array: shards $tasks of $shards, each: $(basename "$script") $shards ${args[*]}
slurm-$step: merge job $merge: runs when every shard has succeeded (afterok:$array)
  follow:   squeue -j $array,$merge        (pending and running)
            sacct -j $array,$merge --format=JobID,State,ExitCode,Elapsed,MaxRSS,NodeList   (needs accounting)
  logs:     $logs/$step-${array}_<shard>.out, $logs/merge-$step-$merge.out
  cancel:   scancel $array $merge
  a failed or cancelled shard: rerun it with TASKS=<shard> (the same SHARDS); its journal keeps finished work.
  A merge left waiting on a failed array (squeue: DependencyNeverSatisfied) is replaced then: scancel $merge
MSG
