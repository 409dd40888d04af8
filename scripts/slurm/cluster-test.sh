#!/usr/bin/env bash
# The Slurm scripts end to end on a real single-node cluster (local-cluster.sh), run by `make test`:
#  1. a 3-shard sweep over a small cache: every grid run trained once, the merge job's leaderboard lists all;
#  2. a 4-shard extraction whose shard 0 is cancelled mid-run (scancel) and resubmitted: the rerun reuses the
#     videos its journal finished, and the merged cache equals a single-process extraction.
# Prints what it checks; exits non-zero on the first failure (the cluster's logs are kept then).
# Everything (cluster state, data, caches, results) lives in one scratch folder, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { echo "cluster-test: $*"; }
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    say "SKIPPED: slurm-wlm and munge are not installed (make setup installs them)"; exit 0
fi
if [ "$(id -u)" -ne 0 ]; then say "SKIPPED: needs root to run slurmd"; exit 0; fi

bin=.build/release
work=$(mktemp -d /tmp/cluster-test.XXXXXX)
export SLURM_LOCAL_DIR=$work/slurm SLURM_LOCAL_PORT=$((20000 + RANDOM % 20000)) SLURM_LOGS=$work/logs
export SLURM_CONF=$SLURM_LOCAL_DIR/slurm.conf
keep=0
cleanup() {
    scripts/slurm/local-cluster.sh stop >/dev/null 2>&1 || true
    if [ "$keep" -eq 0 ]; then rm -rf "$work"; else echo "cluster-test: logs kept in $work/logs and $work/slurm/log" >&2; fi
}
trap cleanup EXIT
fail() {
    keep=1
    echo "cluster-test: FAIL: $*" >&2
    tail -n 5 "$work"/logs/*.out 2>/dev/null >&2 || true
    exit 1
}

# Jobs still pending or running among the given ids (comma-separated).
active() { squeue -h -t PD,R,CG,S,CF -j "$1" -o '%i %T %r' 2>/dev/null || true; }
wait_for() {
    local deadline=$((SECONDS + ${2:-240}))
    while [ -n "$(active "$1")" ]; do
        [ "$SECONDS" -lt "$deadline" ] || fail "jobs $1 still queued after ${2:-240} s: $(active "$1" | tr '\n' ';')"
        sleep 0.5
    done
}
# Every state of a job (an array's tasks each have one), e.g. "COMPLETED COMPLETED".
states() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort -u | tr '\n' ' '; }
expect_completed() { [ "$(states "$1")" = "COMPLETED " ] || fail "job $1 ended $(states "$1")(logs: $work/logs)"; }
job_id() { sed -n "s/.*$1 job \([0-9]*\).*/\1/p" <<<"$2"; }

# 32 clips (8 a shard), mirrored ones the fakes, 720p so that decoding one takes a while: shard 0 is cancelled
# after its first video with most of its work still ahead.
make_clips() {
    local i kind filter
    for i in $(seq 0 31); do
        if ((i % 2)); then kind=fake filter=hflip,scale=1280:720,fps=25; else kind=real filter=scale=1280:720,fps=25; fi
        mkdir -p "$work/data/T/$kind"
        ffmpeg -v error -y -ss $((i * 2)) -t 4 -i /usr/share/doc/opencv-doc/examples/data/vtest.avi \
            -vf "$filter" -c:v mpeg4 -q:v 4 "$work/data/T/$kind/clip$i.avi" || fail "ffmpeg could not cut clip $i"
    done
}

write_config() {
    cat >"$work/$1.yaml" <<YAML
paths:
  data_dir: $work/data
  cache_dir: $work/$2
  results_dir: $work/results
  models_dir: $PWD/models
YAML
}

test_sweep() {
    say "sweep: 4 heads in 3 shards, then the merge job's leaderboard"
    local out array merge runs rows
    out=$(CONFIG=$work/single.yaml DATA=T FRAMES=4 ARCHS=gru1-fc1,gru2-fc2,gru1-fc2,gru2-bn-fc1 EPOCHS=2 \
          SHARDS=3 CPUS=1 scripts/slurm/submit.sh sweep) || fail "submit.sh sweep failed"
    sed 's/^/    /' <<<"$out"
    array=$(job_id array "$out") merge=$(job_id merge "$out")
    [ -n "$array" ] && [ -n "$merge" ] || fail "submit.sh printed no job ids"
    wait_for "$array,$merge"
    expect_completed "$array"
    expect_completed "$merge"
    local shard
    for shard in 0 1 2; do
        grep -q "sweep: shard $shard/3: runs" "$work/logs/sweep-${array}_$shard.out" || fail "shard $shard's log does not name its runs"
    done
    runs=$(find "$work/results/T/mobilenetv2_f4" -mindepth 1 -maxdepth 1 -type d | wc -l)
    [ "$runs" -eq 4 ] || fail "the shards left $runs run folders, not one per head: $(ls "$work/results/T/mobilenetv2_f4" | tr '\n' ' ')"
    rows=$(($(wc -l <"$work/results/T/leaderboard.csv") - 1))
    [ "$rows" -eq 4 ] || fail "the leaderboard lists $rows runs, not 4"
    grep -q 'gru2-bn-fc1' "$work/logs/merge-sweep-$merge.out" || fail "the merge job's log shows no leaderboard"
    say "sweep: ok: 4 run folders, each trained by one shard; the merge job rebuilt the leaderboard (4 rows)"
}

# Videos a journal has finished (intact records only: a record being written does not count).
journaled() {
    python3 scripts/reference/read_cache_journal.py "$1" 2>/dev/null \
        | python3 -c 'import json, sys; print(sum(e["kind"] == "video" for e in json.load(sys.stdin)["entries"]))' 2>/dev/null \
        || echo 0
}

# Cancels shard 0 as soon as its journal ($journal) has one whole video record: the 8-byte magic, the header
# record (u32 length at byte 8, body, u32 CRC) and a video record of at least 4 x 1280 floats. Only stat and od
# in the loop, so the cancel follows within milliseconds, long before the shard's other videos are done.
cancel_shard0_midway() {
    local array=$1 deadline=$((SECONDS + 120)) shard header size
    shard=$work/cache-sharded/T/shards/mobilenetv2_f4.shard-0-of-4.h5
    journal=$shard.journal
    while :; do
        size=$(stat -c %s "$journal" 2>/dev/null || echo 0)
        if [ "$size" -gt 12 ]; then
            header=$(od -An -tu4 -j8 -N4 "$journal" | tr -d ' ')
            [ "$size" -lt $((8 + 4 + header + 4 + 4 + 4 * 1280 * 4 + 4)) ] || break
        fi
        [ ! -e "$shard" ] || fail "shard 0 finished before it could be cancelled mid-run"
        [ "$SECONDS" -lt "$deadline" ] || fail "shard 0 finished no video in 120 s"
        sleep 0.01
    done
    scancel "${array}_0"
}

test_extract() {
    if ! "$bin/extract" --help 2>&1 | grep -q -- '--shard'; then
        say "SKIPPED the extraction part: this build's extract has no --shard option (the shard CLI is not merged yet)"
        return
    fi
    say "extraction: 4 shards; shard 0 cancelled mid-run (scancel), resubmitted, then merged"
    local out array merge journal finished reused
    out=$(CONFIG=$work/sharded.yaml DATA=T FRAMES=4 SHARDS=4 CPUS=1 scripts/slurm/submit.sh extract) \
        || fail "submit.sh extract failed"
    sed 's/^/    /' <<<"$out"
    array=$(job_id array "$out") merge=$(job_id merge "$out")
    cancel_shard0_midway "$array"
    wait_for "$array"
    [ "$(states "${array}_0")" = "CANCELLED " ] || fail "shard 0 ended $(states "${array}_0")instead of CANCELLED"
    finished=$(journaled "$journal")
    [ "$finished" -ge 1 ] || fail "shard 0's journal holds no finished video after its cancellation"
    [ "$(active "$merge")" != "" ] || fail "the merge job ran although shard 0 was cancelled"
    scancel "$merge"
    say "extraction: shard 0 cancelled with $finished video(s) in its journal; resubmitting it"
    out=$(CONFIG=$work/sharded.yaml DATA=T FRAMES=4 SHARDS=4 CPUS=1 TASKS=0 scripts/slurm/submit.sh extract) \
        || fail "submit.sh extract TASKS=0 failed"
    array=$(job_id array "$out") merge=$(job_id merge "$out")
    wait_for "$array,$merge"
    expect_completed "$array"
    expect_completed "$merge"
    # extract's summary line: "T: <n> videos, <reused> already cached, <left> to extract with ... on <c> cores) ..."
    local summary left
    summary=$(grep -m1 'already cached' "$work/logs/extract-${array}_0.out" || true)
    reused=$(sed -n 's/.* \([0-9]*\) already cached.*/\1/p' <<<"$summary")
    left=$(sed -n 's/.* \([0-9]*\) to extract.*/\1/p' <<<"$summary")
    [ -n "$reused" ] && [ -n "$left" ] || fail "the resubmitted shard's log has no summary line: $work/logs/extract-${array}_0.out"
    [ "$reused" -eq "$finished" ] || fail "the resubmitted shard reused $reused videos, not the $finished its journal had finished"
    [ "$left" -ge 1 ] || fail "shard 0 had already finished all its videos when cancelled: nothing was resumed"
    # CPUS=1 on this node of several: the task is bound to one CPU, and extract must count that one, not the node's.
    grep -q 'on 1 core)' <<<"$summary" || fail "the shard bound to one CPU did not run on 1 core: $summary"
    say "extraction: the resubmitted shard reused its $reused journaled video(s) and extracted the other $left; merged cache vs single process:"
    python3 scripts/slurm/compare-caches.py "$work/cache-single/T/mobilenetv2_f4.h5" "$work/cache-sharded/T/mobilenetv2_f4.h5" \
        || fail "the merged cache differs from the single-process one"
}

[ -x "$bin/extract" ] && [ -x "$bin/train" ] || fail "$bin/extract or $bin/train is missing: run make build"
make_clips
write_config single cache-single
write_config sharded cache-sharded
say "single-process reference extraction (32 clips, FRAMES=4, mobilenetv2)"
"$bin/extract" --config "$work/single.yaml" --data T --frames 4 >/dev/null 2>"$work/single.log" \
    || fail "the reference extraction failed: $(tail -1 "$work/single.log")"
scripts/slurm/local-cluster.sh start >/dev/null || fail "the local cluster did not start (logs: $SLURM_LOCAL_DIR/log)"
say "local cluster up ($(sinfo -h -o '%c CPUs, %m MB' | head -1))"
test_sweep
test_extract
say "PASS"
