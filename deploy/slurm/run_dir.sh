# Shared by the deploy/slurm scripts (sourced, not run): submitting the shard and merge jobs of a
# run directory, and reading what it records.
#
# RUN_DIR/jobs has one line per shard job array: "JOB FIRST LAST OFFSET". The array's task T runs
# the plan's index OFFSET+T, for the indexes FIRST..LAST. Array task ids start at 0 for every
# array, because Slurm refuses a task id of MaxArraySize or more (1001 by default): the plan's
# index itself cannot be the task id once a plan has more units than that. Lines of three fields
# were written before offsets existed; their OFFSET is 0 (the task id was the index).

# Exit status of submit.sh and resubmit.sh when Slurm refused a submission (sbatch or scontrol
# failed); README's Slurm section documents it.
SLURM_REFUSED_EXIT=8

# sbatch_job RUN_DIR ARGS...: sbatch --parsable ARGS; prints the job id. On failure sbatch's own
# message is on stderr and in RUN_DIR/logs/sbatch.err, and the status is 1: the caller must not
# go on with an empty id (bash's -e does not reach into the $(...) it is called from).
sbatch_job() {
  local errors=$1/logs/sbatch.err out rc
  shift
  out=$(sbatch --parsable "$@" 2>"$errors")
  rc=$?
  cat "$errors" >&2
  out=${out%%;*}  # "id" or "id;cluster"
  [ "$rc" -eq 0 ] || return 1
  case $out in
    '' | *[!0-9]*)
      echo "sbatch printed no job id ('$out')" | tee -a "$errors" >&2
      return 1
      ;;
  esac
  echo "$out"
}

# sbatch_error RUN_DIR: the last line sbatch printed on stderr ("" when none).
sbatch_error() {
  tail -n 1 "$1/logs/sbatch.err" 2>/dev/null
}

# max_array_tasks: how many tasks one array may have here, task ids 0..N-1: MaxArraySize from
# `scontrol show config` (task ids stop one below it), lowered by SchedulerParameters'
# max_array_tasks and by SHARD_ARRAY_SIZE; 1001, Slurm's default, when the config cannot be read.
max_array_tasks() {
  local config size tasks
  config=$(scontrol show config 2>/dev/null)
  size=$(sed -n 's/^MaxArraySize *= *\([0-9]*\).*/\1/p' <<<"$config")
  tasks=$(sed -n 's/^SchedulerParameters *=.*max_array_tasks=\([0-9]*\).*/\1/p' <<<"$config")
  size=${size:-1001}
  [ -n "$tasks" ] && [ "$tasks" -lt "$size" ] && size=$tasks
  [ -n "${SHARD_ARRAY_SIZE:-}" ] && [ "$SHARD_ARRAY_SIZE" -lt "$size" ] && size=$SHARD_ARRAY_SIZE
  echo "$size"
}

# submit_shards RUN_DIR FIRST LAST THROTTLE [DEPENDENCY]: one job array running the indexes
# FIRST..LAST as its tasks 0..LAST-FIRST, at most THROTTLE at once ("" : no limit), after
# DEPENDENCY (an sbatch --dependency value, "" : none); prints its job id.
submit_shards() {
  local run=$1 first=$2 last=$3 throttle=${4:+%$4} sbatch_options dependency=()
  . "$run/run.env"
  read -r -a sbatch_options <<<"${SBATCH_OPTIONS:-}"
  [ -n "${5:-}" ] && dependency=(--dependency="$5")
  sbatch_job "$run" --job-name=curcrunch-shard "--array=0-$((last - first))$throttle" \
    "${dependency[@]}" --output="$run/logs/shard-job%A_%a.out" "${sbatch_options[@]}" \
    "$(dirname "${BASH_SOURCE[0]}")/shard.sbatch" "$run" "$first"
}

# submit_merge RUN_DIR DEPENDENCY: the merge job (DEPENDENCY "" : none); prints its job id.
submit_merge() {
  local run=$1 sbatch_options dependency=()
  . "$run/run.env"
  read -r -a sbatch_options <<<"${SBATCH_OPTIONS:-}"
  [ -n "$2" ] && dependency=(--dependency="$2")
  sbatch_job "$run" --job-name=curcrunch-merge "${dependency[@]}" \
    --output="$run/logs/merge-job%j.out" "${sbatch_options[@]}" \
    "$(dirname "${BASH_SOURCE[0]}")/merge.sbatch" "$run"
}

# latest_task RUN_DIR INDEX: the Slurm task that last ran INDEX ("JOB_TASK", from RUN_DIR/jobs).
latest_task() {
  awk -v i="$2" '$2 <= i && i <= $3 { task = $1 "_" (i - ($4 == "" ? 0 : $4)) }
    END { print task }' "$1/jobs"
}

# status_field RUN_DIR INDEX NAME: a field of status/INDEX ("" when absent).
status_field() {
  [ -f "$1/status/$2" ] || return 0
  tr ' ' '\n' <"$1/status/$2" | sed -n "s/^$3=//p"
}
