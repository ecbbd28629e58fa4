#!/usr/bin/env bash
# Sets up the AppRole curcrunch logs in with, using the vault CLI (VAULT_ADDR and an admin
# VAULT_TOKEN in the environment). Idempotent: re-running updates the policy and the role.
#
#   vault/setup-approle.sh [role-name]          (default role name: curcrunch)
#
# Prints the role_id, and a *response-wrapped* secret_id: hand the wrapping token to the batch
# host (it can be unwrapped once, within 10 minutes) and run `curcrunch fetch
# --secret-id-wrapped` with it in VAULT_SECRET_ID or a file (--secret-id-file). Nothing secret is
# written to disk by this script.
set -euo pipefail
cd "$(dirname "$0")"
role=${1:-curcrunch}
: "${VAULT_ADDR:?set VAULT_ADDR}"

vault auth list -format=json | grep -q '"approle/"' || vault auth enable approle
vault policy write curcrunch-billing curcrunch-policy.hcl

# Short-lived, non-renewable-forever tokens; secret_ids limited in time and uses, and usable
# only from the batch hosts' network (adjust the CIDR).
vault write "auth/approle/role/${role}" \
  token_policies=curcrunch-billing \
  token_ttl=30m token_max_ttl=4h \
  secret_id_ttl=720h secret_id_num_uses=0 \
  token_bound_cidrs="${CURCRUNCH_CIDR:-127.0.0.1/32}" \
  secret_id_bound_cidrs="${CURCRUNCH_CIDR:-127.0.0.1/32}"

echo "role_id (not secret on its own; store it as VAULT_ROLE_ID or in a file):"
vault read -field=role_id "auth/approle/role/${role}/role-id"
echo
echo "wrapped secret_id (single use, 10 minutes; give it to the batch host):"
vault write -wrap-ttl=10m -field=wrapping_token -f "auth/approle/role/${role}/secret-id"
echo
