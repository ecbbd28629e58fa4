#include "choices.hpp"

#include "curcrunch/store/query.hpp"
#include "curcrunch/store/query_tags.hpp"

namespace curcrunch::serve {
namespace {

std::vector<PickOption> values_of(store::Database& db, store::Dimension by,
                                  const store::AccountDirectory* accounts) {
    store::Query q;
    q.grain = store::Grain::total;
    q.by = by;
    q.sort = store::SortOrder::key_asc;
    q.any_currency = true;  // the values, not their amounts
    std::vector<PickOption> out;
    for (const store::ResultRow& r : store::run_query(db, q)) {
        if (r.key.empty()) continue;
        std::string label = accounts ? accounts->label(r.key) : r.label;
        if (!accounts && label != r.key) label += " (" + r.key + ")";
        out.push_back({r.key, label});
    }
    return out;
}

}  // namespace

PickLists read_pick_lists(store::Database& db, const store::AccountDirectory& accounts) {
    PickLists p;
    p.accounts = values_of(db, store::Dimension::account, &accounts);
    p.services = values_of(db, store::Dimension::service, nullptr);
    p.regions = values_of(db, store::Dimension::region, nullptr);
    p.payers = values_of(db, store::Dimension::payer, &accounts);
    for (const store::TagKey& k : store::tag_keys(db))
        p.tag_keys.push_back(
            {store::grouping_name(k.kind, k.key),
             (k.kind == store::Dimension::tag ? "Tag " : "Cost category ") + k.key});
    return p;
}

}  // namespace curcrunch::serve
