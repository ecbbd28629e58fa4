#!/usr/bin/env bash
# Submits a sharded run to Slurm: lists the units, one job array per payer over them, and the
# merge job that waits for all of them.
#
#   deploy/slurm/submit.sh RUN_DIR SHARDS_ARGS...
#
#   RUN_DIR      a folder on a file system every node sees; it receives shards.tsv (the plan),
#                shards/shard-N.db, logs/, status/N (one line per finished index), jobs (the job
#                ids per index range) and run.env (the settings below)
#   SHARDS_ARGS  what `curcrunch shards` lists: local folders (/data/cur/), or
#                --config fetch.json [--profile P] [--from YYYY-MM --to YYYY-MM] for S3
#
# Settings (environment):
#   CURCRUNCH_DB       the main store the merge job writes (required)
#   CURCRUNCH          the curcrunch binary on the nodes (default: curcrunch in PATH)
#   SHARD_CONCURRENCY  K: at most K tasks of one payer's array run at once (--array=a-b%K;
#                      default 4), which bounds the request rate against one payer's AWS account
#   SHARD_OPTIONS      more options for every shard's ingest/fetch (e.g. "--threads 4")
#   MERGE_OPTIONS      more options for the merge
#   SBATCH_OPTIONS     more options for every sbatch (e.g. "--partition=batch --time=2:00:00")
#   (the three *_OPTIONS are split at blanks: values without spaces only)
#
# A unit whose source is s3://... is run with `curcrunch fetch --shard`, any other with
# `curcrunch ingest --shard`. deploy/slurm/status.sh RUN_DIR shows the progress and every failed
# index with its exit code; deploy/slurm/resubmit.sh RUN_DIR INDEX... runs indexes again and lets
# the merge go once everything succeeded.
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
[ -e "$run/shards.tsv" ] && { echo "$run already holds a run (shards.tsv): use a new RUN_DIR" >&2; exit 2; }

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

# One array per payer: the plan lists each (profile, payer)'s units as one index range.
: >"$run/jobs"
arrays=()
while read -r first last; do
  jid=$(submit_shards "$run" "--array=$first-$last%$k")
  echo "$jid $first $last" >>"$run/jobs"
  arrays+=("$jid")
done < <(awk -F'\t' '{ key = $4 "\t" $2
  if (NR > 1 && key != prev) { print start, $1 - 1; start = $1 }
  if (NR == 1) start = $1
  prev = key } END { print start, NR - 1 }' "$run/shards.tsv")

dependency="afterok$(printf ':%s' "${arrays[@]}")"
merge=$(submit_merge "$run" "$dependency")
echo "MERGE_JOB=$merge" >>"$run/run.env"
echo "$n unit(s) in ${#arrays[@]} array job(s): ${arrays[*]} (at most $k running per payer); merge job $merge"
echo "progress: $here/status.sh $run"
