#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for trying and testing the scripts in scripts/slurm/:
# munged, slurmctld and slurmd on localhost, no systemd, no cgroups, everything under one scratch folder.
#   scripts/slurm/local-cluster.sh start|stop|status
# Clients find it through SLURM_CONF: `start` prints the line to export. Needs Debian's slurm-wlm and munge
# (make setup) and root (slurmd starts jobs as their owner).
# SLURM_LOCAL_DIR (default /tmp/deepfake-slurm) is the scratch folder; SLURM_LOCAL_PORT the controller's port
# (slurmd uses the next one).
set -euo pipefail

dir=${SLURM_LOCAL_DIR:-/tmp/deepfake-slurm}
port=${SLURM_LOCAL_PORT:-6817}
conf="$dir/slurm.conf"
socket="$dir/munge/munge.socket"
host=$(hostname -s)

die() { echo "local-cluster: $*" >&2; exit 1; }

need_tools() {
    for tool in munged mungekey slurmctld slurmd sinfo scontrol; do
        command -v "$tool" >/dev/null || die "$tool is missing: install slurm-wlm and munge (make setup)"
    done
    [ "$(id -u)" -eq 0 ] || die "run as root: slurmd must start jobs as their owner"
}

# The node as this machine really is, so Slurm neither drains it nor overbooks it.
write_conf() {
    local cpus mem_mb
    cpus=$(nproc --all)
    mem_mb=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 }' /proc/meminfo)
    cat >"$conf" <<CONF
ClusterName=local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
# No cgroups: processes are tracked by parent pid; each task is bound to its CPUs (sched_setaffinity), as the
# task/affinity or task/cgroup plugins of real clusters bind it.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
PlugStackConfig=$dir/plugstack.conf
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
DefMemPerCPU=$((mem_mb / cpus / 2))
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
SchedulerParameters=defer_batch
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
    : >"$dir/plugstack.conf"
}

start_munge() {
    mkdir -p "$dir/munge"
    chmod 700 "$dir/munge"
    [ -f "$dir/munge/munge.key" ] || mungekey --create --keyfile="$dir/munge/munge.key" 2>/dev/null \
        || die "mungekey could not create $dir/munge/munge.key"
    chmod 400 "$dir/munge/munge.key"
    munged --force --socket="$socket" --key-file="$dir/munge/munge.key" --pid-file="$dir/run/munged.pid" \
        --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed" \
        || die "munged did not start: see $dir/log/munged.log"
}

running() { [ -f "$dir/run/$1.pid" ] && kill -0 "$(cat "$dir/run/$1.pid")" 2>/dev/null; }

start() {
    need_tools
    if running slurmctld; then echo "local-cluster: already running; export SLURM_CONF=$conf"; return; fi
    mkdir -p "$dir"/{state,spool,run,log}
    write_conf
    running munged || start_munge
    slurmctld -f "$conf" -i || die "slurmctld did not start: see $dir/log/slurmctld.log"
    slurmd -f "$conf" || die "slurmd did not start: see $dir/log/slurmd.log"
    export SLURM_CONF=$conf
    local tries=0
    until sinfo -h -N -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; do
        tries=$((tries + 1))
        [ "$tries" -lt 60 ] || die "the node did not come up in 30 s: see $dir/log/slurmctld.log and $dir/log/slurmd.log"
        sleep 0.5
    done
    echo "local-cluster: up: node $host ($(nproc --all) CPUs), partition 'local', logs in $dir/log/"
    echo "export SLURM_CONF=$conf"
}

stop() {
    if [ -f "$conf" ] && running slurmctld; then
        SLURM_CONF=$conf scancel --quiet --full --user="$(id -un)" 2>/dev/null || true
    fi
    local name pid
    for name in slurmd slurmctld munged; do
        running "$name" || continue
        pid=$(cat "$dir/run/$name.pid")
        kill "$pid"
        for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        ! kill -0 "$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
        rm -f "$dir/run/$name.pid"
    done
    echo "local-cluster: stopped"
}

status() {
    local name up=0
    for name in munged slurmctld slurmd; do
        if running "$name"; then echo "$name: running (pid $(cat "$dir/run/$name.pid"))"; else echo "$name: stopped"; up=1; fi
    done
    if [ "$up" -eq 0 ]; then SLURM_CONF=$conf sinfo; echo "export SLURM_CONF=$conf"; fi
    return "$up"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
