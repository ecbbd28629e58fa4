# Vault policy for curcrunch fetch: read-only, and only the paths it reads.
# Install with vault/setup-approle.sh (or: vault policy write curcrunch-billing this-file).

# The KV v2 secret that holds every payer profile's keys (layout: vault/README.md).
# KV v2 reads go through the data/ prefix; curcrunch never lists, writes or reads metadata.
path "secret/data/billing/aws" {
  capabilities = ["read"]
}

# Alternative source: the AWS secrets engine issuing short-lived keys for one role.
# Remove this block when the KV secret is used.
path "aws/creds/curcrunch-billing" {
  capabilities = ["read"]
}

# The token curcrunch logs in with renews itself on long runs and revokes itself at the end.
# (Vault's default policy grants these too; they are listed so this policy stands alone.)
path "auth/token/renew-self" {
  capabilities = ["update"]
}
path "auth/token/revoke-self" {
  capabilities = ["update"]
}
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
