#!/usr/bin/env bash
# A sharded run as an AWS Batch array job and a merge job that depends on it. NOT TESTED HERE
# (no AWS Batch on the test machine); the calls follow the AWS CLI's `aws batch` commands.
#
#   deploy/aws-batch/submit.sh QUEUE N
#
# N = lines of shards.tsv on the EFS volume the job definitions mount at /srv/curcrunch; AWS Batch array
# sizes are 2..10,000 (for N = 1 submit a plain job with --shard 0). The child jobs see
# AWS_BATCH_JOB_ARRAY_INDEX. AWS Batch fails (does not hold) a job whose dependency failed: after
# fixing a failed index N, submit it alone (a plain job running `--shard N`) and the merge again
# with --depends-on that job; merge refuses to run unless every unit has its shard.
# A child's exit code: aws batch describe-jobs --jobs ARRAY_ID:N
#   --query 'jobs[0].attempts[-1].container.exitCode'
set -euo pipefail
queue=${1:?usage: $0 QUEUE N}
n=${2:?usage: $0 QUEUE N}
array=$(aws batch submit-job --job-name curcrunch-shards --job-queue "$queue" \
  --job-definition curcrunch-shard --array-properties "size=$n" --query jobId --output text)
merge=$(aws batch submit-job --job-name curcrunch-merge --job-queue "$queue" \
  --job-definition curcrunch-merge --depends-on "jobId=$array" --query jobId --output text)
echo "array job $array ($n children), merge job $merge"
