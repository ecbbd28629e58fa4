#!/usr/bin/env bash
# Runs indexes of a sharded run again (after their input was fixed, or AWS delivered), each as a
# job of its own (sbatch --array=INDEX), and re-points the merge job at what is still to finish:
# afterok on the newest job of every index not yet done. Slurm never releases a job waiting on
# afterok of an array with a failed task, even after a requeue; the merge stays pending until
# every index has succeeded, and then runs.
#
#   deploy/slurm/resubmit.sh RUN_DIR INDEX...
#
# Exit status: 0 done; 2 usage (not an index of the plan, RUN_DIR is not a submitted run); 8 when
# Slurm refused a submission or the merge's new dependency (its message is printed): the indexes
# resubmitted before it stay submitted, and the merge still waits for what it waited for; run
# resubmit.sh again for the rest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/run_dir.sh"
[ $# -ge 2 ] || { echo "usage: $0 RUN_DIR INDEX..." >&2; exit 2; }
run=$(cd "$1" && pwd)
shift
if [ ! -f "$run/run.env" ] || [ ! -f "$run/jobs" ]; then
  echo "$run: not a run submitted by submit.sh" >&2
  exit 2
fi
[ -f "$run/submit.failed" ] && { echo "$run: its submission failed ($(cat "$run/submit.failed")): submit again into a new RUN_DIR" >&2; exit 2; }
. "$run/run.env"
n=$(wc -l <"$run/shards.tsv")
for i in "$@"; do
  case $i in '' | *[!0-9]*) echo "not an index: $i" >&2; exit 2 ;; esac
  [ "$i" -lt "$n" ] || { echo "index $i: the plan has $n units (0..$((n - 1)))" >&2; exit 2; }
done

# refused WHAT: Slurm said no; what was resubmitted before stays, the merge is left as it was.
refused() {
  echo "resubmit.sh: Slurm refused $1; the merge job's dependency is unchanged: run resubmit.sh again" >&2
  exit "$SLURM_REFUSED_EXIT"
}

for i in "$@"; do
  rm -f "$run/status/$i"
  jid=$(submit_shards "$run" "$i" "$i" "" "") || refused "index $i ($(sbatch_error "$run"))"
  echo "$jid $i $i $i" >>"$run/jobs"
  echo "index $i: job ${jid}_0"
done

# What the merge still waits for: the newest job of every index without a successful record.
waits=()
for ((i = 0; i < n; i++)); do
  job=$(latest_task "$run" "$i")
  if [ "$(status_field "$run" "$i" exit)" = 0 ] && [ "$(status_field "$run" "$i" job)" = "$job" ]; then
    continue
  fi
  waits+=("$job")
done
dependency="afterok$(printf ':%s' "${waits[@]}")"
[ ${#waits[@]} -gt 0 ] || dependency=""

state=$(scontrol show job "$MERGE_JOB" 2>/dev/null | tr ' ' '\n' | sed -n 's/^JobState=//p')
if [ "$state" = PENDING ]; then
  scontrol update JobId="$MERGE_JOB" Dependency="$dependency" || refused "the merge job's new dependency"
  echo "merge job $MERGE_JOB now waits for: ${waits[*]:-nothing}"
else
  merge=$(submit_merge "$run" "$dependency") || refused "a new merge job ($(sbatch_error "$run"))"
  echo "MERGE_JOB=$merge" >>"$run/run.env"
  echo "merge job $MERGE_JOB is ${state:-gone}; new merge job $merge waits for: ${waits[*]:-nothing}"
fi
