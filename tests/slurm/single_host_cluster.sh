#!/usr/bin/env bash
# A throw-away Slurm cluster on this machine, for the scale-out tests (and for trying
# deploy/slurm/ by hand): its own munged, slurmctld and slurmd, every file of it under one
# directory, listening on 127.0.0.1 only. No systemd, and nothing of the machine's own munge or
# Slurm set-up is used or touched.
#
#   single_host_cluster.sh start DIR [OWNER_PID]   configure and start; prints `export SLURM_CONF=...`
#   single_host_cluster.sh stop DIR                stop everything started for DIR (jobs included)
#   single_host_cluster.sh reap                    stop the clusters of owners that are gone
#
# DIR should be named curcrunch-slurm-* under $TMPDIR (default /tmp), so that `reap` (run by
# every `start`) finds the clusters of earlier runs that were killed before their `stop`: one
# whose OWNER_PID no longer runs is stopped and removed.
#
# How a process is known to belong to a cluster, so that nothing else is ever signalled: the
# daemons are started with CURCRUNCH_SLURM_CLUSTER=DIR in their environment, which they pass on
# to their helpers (slurmscriptd, slurmstepd); jobs carry SLURM_JOB_ID and SLURM_CONF=DIR/slurm/
# slurm.conf. `stop` signals exactly the processes whose /proc/PID/environ says so.
#
# A test may set CURCRUNCH_SLURM_MAX_ARRAY_SIZE (environment of `start`): the cluster's
# MaxArraySize, by default 1001, Slurm's own default, so that the tests meet the limit a stock
# cluster has.
#
# Needs root (slurmd starts jobs as their owner) and Debian's slurmctld, slurmd, slurm-client
# and munge packages. Exits non-zero with the reason on stderr when it cannot start a cluster.
set -uo pipefail

die() {
  echo "single_host_cluster: $*" >&2
  exit 1
}

tmp_root() { echo "${TMPDIR:-/tmp}"; }

# Ports nothing listens on (TCP, IPv4 and IPv6), from /proc/net; a random start keeps two runs at
# the same moment apart.
free_ports() {  # COUNT
  local used port count=0 want=$1
  used=$(awk 'NR > 1 && $4 == "0A" { split($2, a, ":"); print strtonum("0x" a[2]) }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null | sort -u)
  port=$((20000 + RANDOM % 20000))
  while [ "$count" -lt "$want" ]; do
    if ! grep -qx "$port" <<<"$used"; then
      echo "$port"
      count=$((count + 1))
    fi
    port=$((port + 1))
  done
}

# Processes belonging to the cluster in DIR (see the header): the daemons and their helpers carry
# CURCRUNCH_SLURM_CLUSTER=DIR, the jobs SLURM_JOB_ID and this cluster's SLURM_CONF. One grep
# over /proc reads every environment at once (no fork per process).
cluster_pids() {  # DIR
  local dir=$1
  {
    grep -lzxF "CURCRUNCH_SLURM_CLUSTER=$dir" /proc/[0-9]*/environ 2>/dev/null
    comm -12 <(grep -lzxF "SLURM_CONF=$dir/slurm/slurm.conf" /proc/[0-9]*/environ 2>/dev/null | sort) \
      <(grep -lz '^SLURM_JOB_ID=' /proc/[0-9]*/environ 2>/dev/null | sort)
  } | sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p' | sort -un
}

stop_cluster() {  # DIR
  local dir=$1 pids i
  [ -d "$dir" ] || return 0
  if [ -f "$dir/slurm/slurm.conf" ] && command -v scancel >/dev/null; then
    SLURM_CONF="$dir/slurm/slurm.conf" timeout 5 scancel --quiet --full --user="$(id -un)" 2>/dev/null
  fi
  pids=$(cluster_pids "$dir")
  [ -n "$pids" ] && kill -TERM $pids 2>/dev/null
  for i in $(seq 1 50); do
    pids=$(cluster_pids "$dir")
    [ -z "$pids" ] && return 0
    sleep 0.1
  done
  kill -KILL $pids 2>/dev/null
  sleep 0.2
  [ -z "$(cluster_pids "$dir")" ] || echo "single_host_cluster: processes of $dir survived SIGKILL: $(cluster_pids "$dir")" >&2
  return 0
}

reap() {
  local d owner
  for d in "$(tmp_root)"/curcrunch-slurm-*; do
    [ -d "$d" ] && [ -f "$d/slurm/slurm.conf" ] || continue
    owner=$(cat "$d/owner.pid" 2>/dev/null || echo 0)
    if [ "$owner" -gt 0 ] 2>/dev/null && kill -0 "$owner" 2>/dev/null; then
      continue
    fi
    echo "single_host_cluster: stopping the leftover cluster in $d (owner ${owner} is gone)" >&2
    stop_cluster "$d"
    rm -rf "$d"
  done
}

check_prerequisites() {
  [ "$(id -u)" -eq 0 ] || die "needs root (slurmd runs jobs as their owner); running as $(id -un)"
  local c
  for c in munged mungekey slurmctld slurmd sinfo sbatch squeue scontrol scancel runuser; do
    command -v "$c" >/dev/null ||
      die "$c not found: install Debian's slurmctld slurmd slurm-client munge (setup.sh TEST_DEPS)"
  done
  id munge >/dev/null 2>&1 || die "no user munge (Debian's munge package creates it)"
  id slurm >/dev/null 2>&1 || die "no user slurm (Debian's slurm packages create it)"
}

start_munge() {  # DIR
  local dir=$1
  # The socket's folder must be searchable by all; the key's folder private to munge.
  mkdir -p "$dir/munge/private"
  chown -R munge: "$dir/munge"
  chmod 755 "$dir/munge"
  chmod 700 "$dir/munge/private"
  runuser -u munge -- mungekey --create --keyfile="$dir/munge/private/munge.key" ||
    die "mungekey failed"
  CURCRUNCH_SLURM_CLUSTER=$dir runuser -u munge -- munged \
    --socket="$dir/munge/munge.socket" --key-file="$dir/munge/private/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/private/munged.log" \
    --seed-file="$dir/munge/private/munged.seed" ||
    die "munged did not start: $(tail -3 "$dir/munge/private/munged.log" 2>/dev/null)"
}

write_slurm_conf() {  # DIR CTLD_PORT SLURMD_PORT
  local dir=$1 host
  host=$(hostname -s)
  mkdir -p "$dir/slurm/state" "$dir/slurm/spool" "$dir/slurm/log" "$dir/slurm/run"
  chown -R slurm: "$dir/slurm"
  cat >"$dir/slurm/slurm.conf" <<EOF
# Written by tests/slurm/single_host_cluster.sh; everything of this cluster lives in $dir.
ClusterName=curcrunch
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$2
SlurmdPort=$3
SlurmUser=slurm
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
# The main scheduling loop runs at most every 2 s by default; a test waits on every pass.
SchedulerParameters=sched_min_interval=100000
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$dir/slurm/state
SlurmdSpoolDir=$dir/slurm/spool
SlurmctldPidFile=$dir/slurm/run/slurmctld.pid
SlurmdPidFile=$dir/slurm/run/slurmd.pid
SlurmctldLogFile=$dir/slurm/log/slurmctld.log
SlurmdLogFile=$dir/slurm/log/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MaxArraySize=${CURCRUNCH_SLURM_MAX_ARRAY_SIZE:-1001}
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=batch Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  chmod 644 "$dir/slurm/slurm.conf"
}

start_cluster() {  # DIR [OWNER_PID]
  local dir owner=${2:-$PPID} ports i state
  check_prerequisites
  mkdir -p "$1" || die "cannot create $1"
  dir=$(cd "$1" && pwd -P)
  chmod 755 "$dir"
  echo "$owner" >"$dir/owner.pid"
  reap
  ports=($(free_ports 2))
  write_slurm_conf "$dir" "${ports[0]}" "${ports[1]}"
  start_munge "$dir"
  export SLURM_CONF="$dir/slurm/slurm.conf"
  CURCRUNCH_SLURM_CLUSTER=$dir slurmctld -f "$SLURM_CONF" || die "slurmctld did not start: $(tail -5 "$dir/slurm/log/slurmctld.log")"
  CURCRUNCH_SLURM_CLUSTER=$dir slurmd -f "$SLURM_CONF" || die "slurmd did not start: $(tail -5 "$dir/slurm/log/slurmd.log")"
  for i in $(seq 1 150); do
    state=$(sinfo -h -o %T 2>/dev/null)
    if [ "$state" = "idle" ]; then
      echo "export SLURM_CONF=$SLURM_CONF"
      return 0
    fi
    sleep 0.2
  done
  echo "single_host_cluster: the node did not become idle within 30 s (sinfo: '${state}')" >&2
  tail -5 "$dir/slurm/log/slurmctld.log" "$dir/slurm/log/slurmd.log" >&2
  stop_cluster "$dir"
  exit 1
}

case "${1:-}" in
  start)
    [ $# -ge 2 ] || die "usage: $0 start DIR [OWNER_PID]"
    start_cluster "$2" "${3:-}"
    ;;
  stop)
    [ $# -eq 2 ] || die "usage: $0 stop DIR"
    stop_cluster "$(cd "$2" 2>/dev/null && pwd -P || echo "$2")"
    ;;
  reap) reap ;;
  *) die "usage: $0 start DIR [OWNER_PID] | stop DIR | reap" ;;
esac
