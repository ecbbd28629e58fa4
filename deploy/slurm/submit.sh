#!/usr/bin/env bash
# Submits a sharded run to Slurm: lists the units, job arrays over them (one per payer, split
# where a payer has more units than one array may hold) and the merge job that waits for all of
# them.
#
#   deploy/slurm/submit.sh RUN_DIR SHARDS_ARGS...
#
#   RUN_DIR      a folder on a file system every node sees; it receives shards.tsv (the plan),
#                shards/shard-N.db, logs/ (shard-jobJOB_TASK.out: a task's output, JOB_TASK as
#                status.sh shows it; merge-jobJOB.out), status/N (one line per finished index),
#                jobs (the job array per index range, see run_dir.sh), run.env (the settings
#                below) and merge.status (the merge's exit code)
#   SHARDS_ARGS  what `curcrunch shards` lists: local folders (/data/cur/), or
#                --config fetch.json [--profile P] [--from YYYY-MM --to YYYY-MM] for S3
#
# Settings (environment):
#   CURCRUNCH_DB       the main store the merge job writes (required)
#   CURCRUNCH          the curcrunch binary on the nodes (default: curcrunch in PATH)
#   SHARD_CONCURRENCY  K: at most K tasks of one payer run at once (--array=0-M%K; default 4),
#                      which bounds the request rate against one payer's AWS account
#   SHARD_ARRAY_SIZE   at most this many tasks per array (default: the cluster's MaxArraySize,
#                      or SchedulerParameters=max_array_tasks when lower, from `scontrol show
#                      config`; 1001, Slurm's default, when that cannot be read)
#   SHARD_OPTIONS      more options for every shard's ingest/fetch (e.g. "--threads 4")
#   MERGE_OPTIONS      more options for the merge
#   SBATCH_OPTIONS     more options for every sbatch (e.g. "--partition=batch --time=2:00:00")
#   (the three *_OPTIONS are split at blanks: values without spaces only)
#
# Array task ids start at 0 in every array (Slurm refuses ids of MaxArraySize or more); task T
# of an array runs the plan's index OFFSET+T. A payer with more units than an array may hold
# gets several arrays, each waiting for the one before (afterany), so that K still bounds that
# payer's running tasks.
#
# A unit whose source is s3://... is run with `curcrunch fetch --shard`, any other with
# `curcrunch ingest --shard`. deploy/slurm/status.sh RUN_DIR shows the progress and every failed
# index with its exit code; deploy/slurm/resubmit.sh RUN_DIR INDEX... runs indexes again and lets
# the merge go once everything succeeded.
#
# Exit status: 0 submitted; 2 usage (bad setting, RUN_DIR already holds a run); the exit code of
# `curcrunch shards` when the listing failed (3 bad input, 5/6 fetch failed: nothing submitted);
# 8 when Slurm refused a submission (sbatch's message is printed): the jobs of the run submitted
# before it are cancelled, nothing of the run will run, and RUN_DIR/submit.failed says why
# (status.sh then exits 1); submit again into a new RUN_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/run_dir.sh"

[ $# -ge 2 ] || { echo "usage: $0 RUN_DIR SHARDS_ARGS..." >&2; exit 2; }
: "${CURCRUNCH_DB:?set CURCRUNCH_DB to the main store the merge writes}"
run=$(mkdir -p "$1" && cd "$1" && pwd)
shift
curcrunch=${CURCRUNCH:-$(command -v curcrunch || true)}
[ -n "$curcrunch" ] || { echo "curcrunch not found: set CURCRUNCH" >&2; exit 2; }
k=${SHARD_CONCURRENCY:-4}
case $k in '' | *[!0-9]* | 0) echo "SHARD_CONCURRENCY must be a positive number" >&2; exit 2 ;; esac
case ${SHARD_ARRAY_SIZE:-1} in '' | *[!0-9]* | 0) echo "SHARD_ARRAY_SIZE must be a positive number" >&2; exit 2 ;; esac
[ -e "$run/shards.tsv" ] && { echo "$run already holds a run (shards.tsv): use a new RUN_DIR" >&2; exit 2; }
size=$(max_array_tasks)
[ "$size" -gt 0 ] || { echo "job arrays are disabled on this cluster (MaxArraySize=0)" >&2; exit "$SLURM_REFUSED_EXIT"; }

mkdir -p "$run/shards" "$run/logs" "$run/status"
"$curcrunch" shards "$@" >"$run/shards.tsv.partial"
mv "$run/shards.tsv.partial" "$run/shards.tsv"
n=$(wc -l <"$run/shards.tsv")
if [ "$n" -eq 0 ]; then
  echo "no units to run" >&2
  exit 0
fi

db=$CURCRUNCH_DB
case $db in /*) ;; *) db=$PWD/$db ;; esac
read -r -a shard_options <<<"${SHARD_OPTIONS:-}"
read -r -a merge_options <<<"${MERGE_OPTIONS:-}"
{
  printf 'CURCRUNCH=%q\n' "$curcrunch"
  printf 'CURCRUNCH_DB=%q\n' "$db"
  printf 'SHARD_CONCURRENCY=%q\n' "$k"
  printf 'SBATCH_OPTIONS=%q\n' "${SBATCH_OPTIONS:-}"
  declare -p shard_options merge_options
} >"$run/run.env"

# Arrays: the plan lists each (profile, payer)'s units as one index range; a range longer than
# an array may be is cut into pieces, each piece waiting for the one before.
submitted=()
# refused WHAT: a submission failed (sbatch printed why): cancels what this run submitted and
# marks the run failed for status.sh, instead of leaving jobs that wait for a job that never
# came, or a run that reads as pending for ever.
refused() {
  local why
  why="sbatch refused $1 ($(sbatch_error "$run"))"
  if [ ${#submitted[@]} -eq 0 ]; then
    why+="; no job of this run was submitted"
  elif scancel "${submitted[@]}"; then
    why+="; the jobs of this run submitted before it (${submitted[*]}) were cancelled"
  else
    why+="; cancelling the jobs of this run submitted before it (${submitted[*]}) failed too: scancel them"
  fi
  echo "$why" >"$run/submit.failed"
  echo "submit.sh: $why; nothing of this run will run" >&2
  exit "$SLURM_REFUSED_EXIT"
}
: >"$run/jobs"
arrays=()
while read -r first last; do
  previous=""
  for ((from = first; from <= last; from += size)); do
    to=$((from + size - 1 < last ? from + size - 1 : last))
    jid=$(submit_shards "$run" "$from" "$to" "$k" "${previous:+afterany:$previous}") ||
      refused "the shard array of indexes $from-$to"
    submitted+=("$jid")
    echo "$jid $from $to $from" >>"$run/jobs"
    arrays+=("$jid")
    previous=$jid
  done
done < <(awk -F'\t' '{ key = $4 "\t" $2
  if (NR > 1 && key != prev) { print start, $1 - 1; start = $1 }
  if (NR == 1) start = $1
  prev = key } END { print start, NR - 1 }' "$run/shards.tsv")

dependency="afterok$(printf ':%s' "${arrays[@]}")"
merge=$(submit_merge "$run" "$dependency") || refused "the merge job"
echo "MERGE_JOB=$merge" >>"$run/run.env"
echo "$n unit(s) in ${#arrays[@]} array job(s): ${arrays[*]} (at most $k running per payer, at most $size tasks per array); merge job $merge"
echo "progress: $here/status.sh $run"
