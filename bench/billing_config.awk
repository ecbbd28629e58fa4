# Writes a billing configuration for the benchmark: one customer and one billing group per AWS
# account read from stdin (one id per line), pricing rules of every scope, two plans, a flat fee
# and a percentage credit per group, and a usage subscription per customer (a graduated, a
# package and a volume charge on one meter).
# usage: awk -f bench/billing_config.awk < accounts.txt > billing.json
function sep(i) { return i > 1 ? "," : "" }
{ acct[++n] = $1 }
END {
  print "{\"seller\": {\"name\": \"Bench Partner\"},"
  printf "\"customers\": ["
  for (i = 1; i <= n; i++)
    printf "%s\n {\"id\": \"c%03d\", \"name\": \"Customer %d\", \"currency\": \"%s\", \"tax_rate\": \"%s\"%s}", \
      sep(i), i, i, (i % 10 == 0 ? "EUR" : "USD"), (i % 3 == 0 ? "20" : "0"), \
      (i % 10 == 0 ? ", \"exchange_rate\": {\"from\": \"USD\", \"rate\": \"0.9231\"}" : "")
  print "],"
  print "\"pricing_rules\": ["
  print " {\"id\": \"g8\", \"scope\": \"global\", \"type\": \"markup\", \"percent\": \"8\"},"
  print " {\"id\": \"s3\", \"scope\": \"service\", \"service\": \"AmazonS3\", \"type\": \"discount\", \"percent\": \"2.5\"},"
  print " {\"id\": \"m5\", \"scope\": \"sku\", \"service\": \"AmazonEC2\", \"usage_type\": \"BoxUsage:m5.xlarge\", \"operation\": \"RunInstances\", \"type\": \"discount\", \"percent\": \"5\"},"
  print " {\"id\": \"mp\", \"scope\": \"billing_entity\", \"billing_entity\": \"AWS Marketplace\", \"type\": \"markup\", \"percent\": \"0\"},"
  print " {\"id\": \"c5\", \"scope\": \"global\", \"type\": \"markup\", \"percent\": \"5\"},"
  print " {\"id\": \"lt\", \"scope\": \"service\", \"service\": \"AWSLambda\", \"type\": \"tiering\", \"tiers\": [{\"from\": \"0\", \"to\": \"1000000\", \"rate\": \"0.0000002\"}, {\"from\": \"1000000\", \"rate\": \"0.00000015\"}]}],"
  print "\"pricing_plans\": ["
  print " {\"id\": \"public\", \"basis\": \"public_on_demand\", \"rules\": [\"g8\", \"s3\", \"m5\", \"mp\"]},"
  print " {\"id\": \"costplus\", \"basis\": \"amortized\", \"rules\": [\"c5\", \"lt\"], \"bill\": [\"tax\"]}],"
  printf "\"billing_groups\": ["
  for (i = 1; i <= n; i++)
    printf "%s\n {\"id\": \"g%03d\", \"customer\": \"c%03d\", \"primary_account\": \"%s\", \"from\": \"2025-11\", \"plans\": [{\"plan\": \"%s\", \"from\": \"2025-11\"}]}", \
      sep(i), i, i, acct[i], (i % 2 ? "public" : "costplus")
  print "],"
  printf "\"custom_line_items\": ["
  for (i = 1; i <= n; i++)
    printf "%s\n {\"id\": \"f%03d\", \"group\": \"g%03d\", \"type\": \"fee\", \"amount\": \"199.99\", \"description\": \"Management fee\", \"from\": \"2025-11\", \"to\": \"2026-12\"},\n {\"id\": \"p%03d\", \"group\": \"g%03d\", \"type\": \"credit\", \"percent\": \"1.5\", \"description\": \"Volume credit\", \"from\": \"2025-11\", \"to\": \"2026-12\", \"include_flat_items\": true}", \
      sep(i), i, i, i, i
  print "],"
  print "\"products\": [{\"id\": \"api\"}],"
  print "\"meters\": [{\"id\": \"calls\", \"product\": \"api\", \"unit\": \"GB-s\", \"fields\": {\"gb_s\": \"decimal\", \"bytes\": \"integer\", \"user\": \"string\"},"
  print "  \"aggregations\": [{\"id\": \"compute\", \"type\": \"sum\", \"field\": \"gb_s\"}, {\"id\": \"requests\", \"type\": \"count\"}, {\"id\": \"peak\", \"type\": \"max\", \"field\": \"bytes\"}, {\"id\": \"users\", \"type\": \"unique_count\", \"field\": \"user\"}]}],"
  print "\"usage_plans\": [{\"id\": \"pro\", \"currency\": \"USD\", \"standing_charge\": \"49\", \"minimum\": \"500\", \"charges\": ["
  print "  {\"meter\": \"calls\", \"aggregation\": \"compute\", \"model\": \"graduated\", \"tiers\": [{\"from\": \"0\", \"to\": \"1000\", \"unit_price\": \"0.05\"}, {\"from\": \"1000\", \"unit_price\": \"0.03\"}]},"
  print "  {\"meter\": \"calls\", \"aggregation\": \"requests\", \"model\": \"package\", \"package_size\": \"1000\", \"package_price\": \"0.40\", \"free_units\": \"1000\"},"
  print "  {\"meter\": \"calls\", \"aggregation\": \"users\", \"model\": \"volume\", \"tiers\": [{\"from\": \"0\", \"to\": \"10\", \"unit_price\": \"2\"}, {\"from\": \"10\", \"unit_price\": \"1.5\"}]}]}],"
  printf "\"subscriptions\": ["
  for (i = 1; i <= n; i++)
    if (i % 10 != 0)  # the EUR customers have no USD usage plan
      printf "%s\n {\"account\": \"u%03d\", \"customer\": \"c%03d\", \"plan\": \"pro\", \"start\": \"2026-0%d-01\"}", \
        (i > 1 ? "," : ""), i, i, (i % 9) + 1
  print "]}"
}
