#!/usr/bin/env bash
# The progress of a sharded run: one line per unit (index, payer, period, state, exit code,
# job, host, finished) and the merge job's state. States: done, FAILED (with curcrunch's exit
# code; resubmit.sh reruns it), pending/running (from squeue), unknown (no record, no job).
#
#   deploy/slurm/status.sh RUN_DIR
#
# Exit status: 0 when every unit is done and the merge completed, 1 when a unit failed or the
# merge failed, 3 while work is pending or running.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/run_dir.sh"
run=$(cd "${1:?usage: $0 RUN_DIR}" && pwd)
. "$run/run.env"

declare -A queued
while read -r id state; do
  [ -n "$id" ] && queued[$id]=$state
done < <(squeue -h -r -o '%i %T' -j "$(cut -d' ' -f1 "$run/jobs" | sort -u | paste -sd,)" 2>/dev/null)

failed=0 busy=0 i=0
printf '%-6s %-14s %-8s %-10s %-5s %-16s %-12s %s\n' index payer period state exit job host finished
while IFS=$'\t' read -r index payer period _profile _source _version; do
  job="$(latest_job "$run" "$index")_$index"
  state=unknown exit=- host=- finished=-
  if [ -n "${queued[$job]:-}" ]; then
    state=$(tr 'A-Z' 'a-z' <<<"${queued[$job]}")
    busy=1
  elif [ -f "$run/status/$index" ]; then
    exit=$(status_field "$run" "$index" exit)
    host=$(status_field "$run" "$index" host)
    finished=$(status_field "$run" "$index" finished)
    job=$(status_field "$run" "$index" job)
    if [ "$exit" = 0 ]; then state=done; else state=FAILED failed=1; fi
  else
    busy=1
  fi
  printf '%-6s %-14s %-8s %-10s %-5s %-16s %-12s %s\n' "$index" "$payer" "$period" "$state" \
    "$exit" "$job" "$host" "$finished"
  i=$((i + 1))
done <"$run/shards.tsv"

merge_state=$(scontrol show job "$MERGE_JOB" 2>/dev/null | tr ' ' '\n' |
  sed -n 's/^JobState=//p; s/^Reason=//p; s/^ExitCode=//p; s/^Dependency=//p' | paste -sd' ')
echo "merge job $MERGE_JOB: ${merge_state:-not known to Slurm any more (see $run/logs/merge-job$MERGE_JOB.out)}"
case $merge_state in
  COMPLETED*) [ $failed -eq 0 ] && exit 0 || exit 1 ;;
  FAILED* | CANCELLED* | TIMEOUT* | OUT_OF_MEMORY* | NODE_FAIL*) exit 1 ;;
esac
[ $failed -ne 0 ] && exit 1
exit 3
