#!/usr/bin/env bash
# The progress of a sharded run: one line per unit (index, payer, period, state, exit code,
# Slurm task, host, finished) and the merge job's state.
#
#   deploy/slurm/status.sh RUN_DIR
#
# A unit's state:
#   pending, running, ...  Slurm still holds its task (squeue; a task held back by the array's
#                          %K throttle or waiting for the array before it is pending)
#   done                   its task recorded exit code 0 (status/N)
#   FAILED                 its task recorded another exit code: curcrunch's (3 bad input, 5/6
#                          fetch failed, 143 stopped by SIGTERM, ...)
#   CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, ...
#                          Slurm ended the task (scancel, time limit, memory limit, node
#                          failure); the exit column is curcrunch's code when the task recorded
#                          one, else Slurm's ExitCode (code:signal)
#   LOST                   the task left the queue without recording an exit code, and neither
#                          `scontrol show job` (which forgets a job MinJobAge after its end) nor
#                          `sacct` (where accounting runs) knows how it ended
#   unknown                Slurm did not answer, and the task recorded nothing
# Every state in capitals is a failure: resubmit.sh RUN_DIR INDEX... runs the index again.
#
# Exit status:
#   0  every unit is done and the merge completed
#   1  something failed: a unit (any state in capitals), the merge, or the submission itself
#      (RUN_DIR/submit.failed); the merge of a run with a failed unit waits until resubmit.sh
#   2  usage: RUN_DIR is not a run submitted by submit.sh
#   3  nothing failed so far, and work is pending or running
#   4  nothing failed so far, but Slurm did not answer (squeue failed), so the state of work
#      not yet recorded in RUN_DIR is unknown: ask again later
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/run_dir.sh"
[ $# -eq 1 ] || { echo "usage: $0 RUN_DIR" >&2; exit 2; }
run=$(cd "$1" 2>/dev/null && pwd) || { echo "$1: no such folder" >&2; exit 2; }
for f in shards.tsv run.env jobs; do
  [ -f "$run/$f" ] || { echo "$run: not a run submitted by submit.sh (no $f)" >&2; exit 2; }
done
if [ -f "$run/submit.failed" ]; then
  echo "submission failed: $(cat "$run/submit.failed")"
  exit 1
fi
. "$run/run.env"
# The Slurm task that last ran each index (one pass over RUN_DIR/jobs; see run_dir.sh).
declare -A task_of=()
while read -r index task; do
  task_of[$index]=$task
done < <(awk 'NR == FNR { for (i = $2; i <= $3; i++) t[i] = $1 "_" (i - ($4 == "" ? 0 : $4)); next }
  { print $1, t[$1] }' "$run/jobs" "$run/shards.tsv")

# record INDEX: reads status/INDEX into rec_exit, rec_host, rec_finished when its task is the
# index's last one ("" otherwise), with bash alone: a plan may have tens of thousands of units.
record() {
  local line="" field job=""
  rec_exit="" rec_host="" rec_finished=""
  [ -f "$run/status/$1" ] && read -r line <"$run/status/$1"
  for field in $line; do
    case $field in
      exit=*) rec_exit=${field#exit=} ;;
      job=*) job=${field#job=} ;;
      host=*) rec_host=${field#host=} ;;
      finished=*) rec_finished=${field#finished=} ;;
    esac
  done
  [ "$job" = "${task_of[$1]}" ] || rec_exit=""
}

# Slurm is asked only about what the run has not recorded: a finished run answers without it.
unrecorded=0
declare -A unfinished_arrays=()
for index in "${!task_of[@]}"; do
  record "$index"
  [ -z "$rec_exit" ] && unrecorded=1
  [ "$rec_exit" != 0 ] && unfinished_arrays[${task_of[$index]%_*}]=1
done

# Tasks Slurm still holds, "JOB_TASK STATE". squeue -r lists array tasks one by one, but may
# print a pending array's remaining tasks as one record (JOB_[2-9%2]): expanded here. squeue
# refuses a job list of which it knows no job ("Invalid job id"): then nothing is queued.
slurm_down=0
declare -A queued=()
queue=""
if [ $unrecorded -eq 1 ]; then
  if ! queue=$(squeue -h -r -o '%i %T' -j "$(IFS=,; echo "${!unfinished_arrays[*]}")" 2>&1); then
    case $queue in
      *"Invalid job id"*) ;;
      *)
        echo "status.sh: squeue failed, Slurm did not answer: $queue" >&2
        slurm_down=1
        ;;
    esac
    queue=""
  fi
fi
while read -r task state; do
  [ -n "$task" ] && queued[$task]=$state
done < <(awk '$1 ~ /^[0-9]+_\[/ {
    job = $1; sub(/_\[.*/, "", job); spec = $1; sub(/^[^[]*\[/, "", spec); sub(/(%[0-9]+)?\]$/, "", spec)
    n = split(spec, parts, ",")
    for (p = 1; p <= n; p++) {
      if (split(parts[p], r, "-") == 1) r[2] = r[1]
      for (t = r[1] + 0; t <= r[2] + 0; t++) print job "_" t, $2
    }
    next }
  $1 ~ /^[0-9]+_[0-9]+$/ { print $1, $2 }' <<<"$queue")

# How Slurm says the tasks of the unfinished arrays ended, "STATE EXITCODE" by JOB_TASK: from
# `scontrol show job` of each array, else from sacct where accounting runs.
declare -A ended=()
ended_states() {  # JOB...
  local job id state code
  for job in "$@"; do
    while read -r id state code; do
      ended[$id]="$state $code"
    done < <(scontrol show job -o "$job" 2>/dev/null | awk '{
        delete v
        for (f = 1; f <= NF; f++) { eq = index($f, "="); if (eq) v[substr($f, 1, eq - 1)] = substr($f, eq + 1) }
        if (v["ArrayTaskId"] ~ /^[0-9]+$/) print v["ArrayJobId"] "_" v["ArrayTaskId"], v["JobState"], v["ExitCode"] }')
  done
  while IFS='|' read -r id state code; do
    case $id in *_[0-9]*) ;; *) continue ;; esac
    [ -z "${ended[$id]:-}" ] && ended[$id]="${state%% *} $code"
  done < <(sacct -n -X -P -o JobID,State,ExitCode -j "$(IFS=,; echo "$*")" 2>/dev/null)
}
[ ${#unfinished_arrays[@]} -gt 0 ] && [ $slurm_down -eq 0 ] && ended_states "${!unfinished_arrays[@]}"

# Status files are read again after Slurm was asked: a task writes its record before it leaves
# the queue, so one that finished in between is seen done, not lost.
failed=0 busy=0 unknown=0
printf '%-6s %-14s %-8s %-13s %-5s %-16s %-12s %s\n' index payer period state exit job host finished
while IFS=$'\t' read -r index payer period _profile _source _version; do
  task=${task_of[$index]} exit=- host=- finished=-
  read -r slurm_state slurm_exit <<<"${ended[$task]:-}"
  record "$index"
  if [ -n "$rec_exit" ]; then
    exit=$rec_exit host=$rec_host finished=$rec_finished
    if [ "$exit" = 0 ]; then
      state='done'
    else
      case ${slurm_state:-} in
        '' | COMPLETED | FAILED) state=FAILED ;;
        *) state=$slurm_state ;;
      esac
      failed=1
    fi
  elif [ -n "${queued[$task]:-}" ]; then
    state=${queued[$task],,}
    busy=1
  elif [ -n "${slurm_state:-}" ]; then
    case $slurm_state in
      PENDING | RUNNING | CONFIGURING | COMPLETING | SUSPENDED | REQUEUED* | RESIZING | STAGE_OUT | SIGNALING)
        state=${slurm_state,,} busy=1 ;;
      COMPLETED) state=LOST exit=$slurm_exit failed=1 ;;  # ended without writing status/N
      *) state=$slurm_state exit=$slurm_exit failed=1 ;;
    esac
  elif [ $slurm_down -eq 1 ]; then
    state=unknown unknown=1
  else
    state=LOST failed=1
  fi
  printf '%-6s %-14s %-8s %-13s %-5s %-16s %-12s %s\n' "$index" "$payer" "$period" "$state" \
    "$exit" "$task" "$host" "$finished"
done <"$run/shards.tsv"

# The merge: the exit code merge.sbatch recorded, else Slurm's record, else sacct's.
merge_state=""
if [ -f "$run/merge.status" ] &&
  [ "$(sed -n 's/.* job=\([0-9]*\) .*/\1/p' "$run/merge.status")" = "$MERGE_JOB" ]; then
  merge_exit=$(sed -n 's/^exit=\([0-9]*\) .*/\1/p' "$run/merge.status")
  if [ "$merge_exit" = 0 ]; then
    merge_state="COMPLETED (merge.status)"
  else
    merge_state="FAILED exit $merge_exit (merge.status, see $run/logs/merge-job$MERGE_JOB.out)"
  fi
elif [ $slurm_down -eq 0 ]; then
  if merge_record=$(scontrol show job "$MERGE_JOB" 2>&1); then
    merge_state=$(tr ' ' '\n' <<<"$merge_record" |
      sed -n 's/^JobState=//p; s/^Reason=//p; s/^ExitCode=//p; s/^Dependency=//p' | paste -sd' ')
  elif [[ $merge_record != *"Invalid job id"* ]]; then
    echo "status.sh: scontrol failed, Slurm did not answer: $merge_record" >&2
    slurm_down=1
  fi
  [ -n "$merge_state" ] || [ $slurm_down -eq 1 ] ||
    merge_state=$(sacct -n -X -P -o State,ExitCode -j "$MERGE_JOB" 2>/dev/null | head -n 1 | tr '|' ' ')
  [ -n "$merge_state" ] || [ $slurm_down -eq 1 ] ||
    merge_state="LOST: not known to Slurm any more and no merge.status (see $run/logs/merge-job$MERGE_JOB.out)"
fi
echo "merge job $MERGE_JOB: ${merge_state:-unknown: Slurm did not answer}"
case $merge_state in
  COMPLETED*) ;;
  '') unknown=1 ;;
  PENDING* | RUNNING* | CONFIGURING* | COMPLETING* | SUSPENDED* | REQUEUED*) busy=1 ;;
  *) failed=1 ;;
esac
[ $failed -ne 0 ] && exit 1
[ $unknown -ne 0 ] && exit 4
[ $busy -ne 0 ] && exit 3
exit 0
