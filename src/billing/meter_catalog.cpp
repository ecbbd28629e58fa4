#include "curcrunch/billing/measurement.hpp"

#include "curcrunch/core/error.hpp"

namespace curcrunch::billing {

MeterCatalog::MeterCatalog(const BillingConfig& c) {
    for (const Meter& m : c.meters)
        meters_.push_back(&m);
    for (const Subscription& s : c.subscriptions) {
        bool seen = false;
        for (const auto& a : accounts_)
            seen = seen || a == s.account;
        if (!seen) accounts_.push_back(s.account);
    }
    // The ingest packs (account, meter, day) into 64 bits: 24 bits of account, 16 of meter.
    if (meters_.size() > 0xFFFF) throw_input(c.file + ": more than 65535 meters");
    if (accounts_.size() > 0xFFFFFF) throw_input(c.file + ": more than 16777215 usage accounts");
    // The views point into the config and into accounts_, which no longer changes.
    for (size_t i = 0; i < meters_.size(); ++i)
        meter_ix_.emplace(meters_[i]->id, static_cast<int>(i));
    for (size_t i = 0; i < accounts_.size(); ++i)
        account_ix_.emplace(accounts_[i], static_cast<int>(i));
}

int MeterCatalog::meter_index(std::string_view id) const {
    auto it = meter_ix_.find(id);
    return it == meter_ix_.end() ? -1 : it->second;
}

int MeterCatalog::account_index(std::string_view id) const {
    auto it = account_ix_.find(id);
    return it == account_ix_.end() ? -1 : it->second;
}

std::string MeterProblem::text() const {
    std::string s = source + ":" + std::to_string(line) + ": ";
    if (!field.empty()) s += "field '" + field + "': ";
    return s + message;
}

}  // namespace curcrunch::billing
