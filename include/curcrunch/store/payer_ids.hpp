#pragma once
// Payer ids as filters name them (--payer, the dashboard's payer=): one rule for every command
// and the dashboard, matching what an ingest stores. AWS's dialects key units by a twelve-digit
// account id; FOCUS's BillingAccountId is any provider's id (an Azure billing account is a path
// such as /providers/Microsoft.Billing/billingAccounts/8611537), so the text is free-form but
// bounded and printable.
#include <string>
#include <string_view>
#include <vector>

#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

// At most this many bytes: ids are short; a filter value past it is not one.
inline constexpr size_t kMaxPayerIdBytes = 256;

// Non-empty, at most kMaxPayerIdBytes, valid UTF-8 and without control characters.
bool is_payer_id_text(std::string_view id);

// Throws Error(usage) naming `name` when one of `payers` has no unit in the store: a payer
// that is mistyped would otherwise show as nothing at all ("no data"), a figure of 0.
void require_payers_in_store(Database& db, const std::vector<std::string>& payers,
                             const std::string& name);

}  // namespace curcrunch::store
