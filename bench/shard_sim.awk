# Simulates a sharded run from measured shard times: N shards over M nodes, each node running one
# shard at a time (a shard as measured: one curcrunch process with the bench's threads), the
# scheduler handing the next index to the first free node (the order Slurm starts an array's
# tasks in), then the merge of every shard on one node (serial: SQLite has one writer).
#
# Input: one line per measured shard, "bytes seconds". Variables: target (bytes to process),
# nodes (node counts), scales (delivery sizes as multiples of the measured ones), merge_per_shard
# (seconds, measured), single_mbs (MB/s of one ingest of everything on this machine).
#
# Scale 1: `target` bytes as deliveries like the measured ones, repeated in order (shard i takes
# as long as measured shard i mod count). Scale k: deliveries k times as large with the same
# groups (k times the rows per group, as an organisation's bigger deliveries have): a shard takes
# k times as long (ingest time taken as proportional to bytes, its fixed part included, which
# overstates it) and merges in the measured time per shard (merge cost follows groups).
{ bytes[n] = $1; secs[n] = $2; total_bytes += $1; total_secs += $2; n++ }
END {
  split(nodes, list, " ")
  split(scales, sizes, " ")
  for (z = 1; z in sizes; z++) {
    k = sizes[z]
    unit = k * total_bytes / n
    shards = int((target + unit - 1) / unit)
    printf "%.0f GB as %d deliveries of %.0f MB (%s the measured size), %.2f s to ingest each, %.4f s to merge each\n",
      target / 1e9, shards, unit / 1e6, (k == 1 ? "as" : k "x"), k * total_secs / n, merge_per_shard
    printf "%-8s %12s %14s %12s %12s %10s\n", "nodes", "shards/node", "shards wall", "merge", "total", "GB/s"
    for (l = 1; l in list; l++) {
      m = list[l]
      for (j = 0; j < m; j++) free_at[j] = 0
      for (i = 0; i < shards; i++) {
        best = 0
        for (j = 1; j < m; j++) if (free_at[j] < free_at[best]) best = j
        free_at[best] += k * secs[i % n]
      }
      wall = 0
      for (j = 0; j < m; j++) if (free_at[j] > wall) wall = free_at[j]
      merge = shards * merge_per_shard
      printf "%-8d %12.0f %14s %12s %12s %10.2f\n", m, shards / m, hms(wall), hms(merge), hms(wall + merge), target / 1e9 / (wall + merge)
    }
  }
  if (single_mbs > 0)
    printf "one machine at the %.0f MB/s of the single ingest above: %s for the same bytes\n", single_mbs, hms(target / 1e6 / single_mbs)
}
function hms(s) { return sprintf("%d:%02d:%02d", int(s / 3600), int(s % 3600 / 60), int(s % 60)) }
