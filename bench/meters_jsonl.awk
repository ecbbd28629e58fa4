# Writes N usage measurements (JSON lines) for the benchmark: usage accounts u001..u200 except
# every tenth (as in billing_config.awk), spread over October 2026, unique uids.
# usage: awk -v n=2000000 -f bench/meters_jsonl.awk > meters.jsonl
BEGIN {
  srand(14)
  for (i = 0; i < n; i++) {
    a = (i % 180); a = a + int(a / 9) + 1  # skips multiples of 10
    d = 1 + (i % 31); h = int(i / 31) % 24; m = int(i / 744) % 60
    printf "{\"uid\":\"m%09d\",\"account\":\"u%03d\",\"timestamp\":\"2026-10-%02dT%02d:%02d:%02dZ\",\"meter\":\"calls\",\"values\":{\"gb_s\":%d.%03d,\"bytes\":%d,\"user\":\"user%d\"}}\n", \
      i, a, d, h, m, i % 60, i % 97, i % 1000, 1000 + (i * 7919) % 65536, i % 37
  }
}
