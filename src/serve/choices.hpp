#pragma once
// What the filter form's pickers offer: every account, service, region and payer the store
// holds, as values and the labels people know them by ("Prod web (123456789012)", "Amazon
// Elastic Compute Cloud"). Read once per store version (Site::choices), not per page.
#include <memory>
#include <string>
#include <vector>

#include "curcrunch/serve/html.hpp"
#include "curcrunch/store/account_directory.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::serve {

// Every dimension value over the whole store, by value; accounts and payers labelled through
// `accounts`.
PickLists read_pick_lists(store::Database& db, const store::AccountDirectory& accounts);

}  // namespace curcrunch::serve
