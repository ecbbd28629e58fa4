# Shared by the deploy/slurm scripts (sourced, not run): submitting the shard and merge jobs of a
# run directory, and reading what it records.

# The job id sbatch --parsable printed ("id" or "id;cluster").
job_id_of() { echo "${1%%;*}"; }

# submit_shards RUN_DIR --array=SPEC: the shard job array; prints its job id.
submit_shards() {
  local run=$1 spec=$2 sbatch_options out
  . "$run/run.env"
  read -r -a sbatch_options <<<"${SBATCH_OPTIONS:-}"
  out=$(sbatch --parsable --job-name=curcrunch-shard "$spec" \
    --output="$run/logs/shard-%a-job%A.out" "${sbatch_options[@]}" \
    "$(dirname "${BASH_SOURCE[0]}")/shard.sbatch" "$run")
  job_id_of "$out"
}

# submit_merge RUN_DIR DEPENDENCY: the merge job (DEPENDENCY "" : none); prints its job id.
submit_merge() {
  local run=$1 sbatch_options out dependency=()
  . "$run/run.env"
  read -r -a sbatch_options <<<"${SBATCH_OPTIONS:-}"
  [ -n "$2" ] && dependency=(--dependency="$2")
  out=$(sbatch --parsable --job-name=curcrunch-merge "${dependency[@]}" \
    --output="$run/logs/merge-job%j.out" "${sbatch_options[@]}" \
    "$(dirname "${BASH_SOURCE[0]}")/merge.sbatch" "$run")
  job_id_of "$out"
}

# latest_job RUN_DIR INDEX: the job (array id) that last ran INDEX, from RUN_DIR/jobs.
latest_job() {
  awk -v i="$2" '$2 <= i && i <= $3 { job = $1 } END { print job }' "$1/jobs"
}

# status_field RUN_DIR INDEX NAME: a field of status/INDEX ("" when absent).
status_field() {
  [ -f "$1/status/$2" ] || return 0
  tr ' ' '\n' <"$1/status/$2" | sed -n "s/^$3=//p"
}
