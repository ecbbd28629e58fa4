#include "site.hpp"

#include <filesystem>

#include "choices.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::serve {

Site::Site(ServeOptions options) : options_(std::move(options)) {
    if (!std::filesystem::exists(options_.db_path))
        throw_usage("serve: no store at " + options_.db_path + " (run curcrunch ingest first)");
    // Schema upgrades happen here, once, before the read-only views start.
    store::Store::open(options_.db_path);
    if (!options_.trust_file.empty()) trust_ = report::TrustStore::load(options_.trust_file);
    if (options_.require_signature && !trust_)
        throw_usage("--require-signature needs --trust-file (the certificates to trust)");
}

std::unique_ptr<store::Database> Site::open_read_only() const {
    return std::make_unique<store::Database>(options_.db_path, store::Database::Mode::read_only);
}

std::shared_ptr<const report::CostCube> Site::current_cube(store::Database& db) {
    const int64_t v = report::store_version(db);
    std::lock_guard<std::mutex> l(cube_m_);
    if (!cube_ || cube_->version() != v) cube_ = report::CostCube::load(db);
    return cube_;
}

std::shared_ptr<const report::ReportData> Site::figures(store::Database& db,
                                                        const report::CostCube& cube,
                                                        const ViewParams& v) {
    // Figures carry account names and OU paths: a fetch that only changed accounts is a new key.
    const std::string key =
        query_string(v, {}, {"sort", "dir", "page", "group", "by", "months", "value"}) + "|" +
        format_day(v.report.as_of) + "|" + store::AccountDirectory::stamp(db);
    {
        std::lock_guard<std::mutex> l(figures_m_);
        if (figures_version_ != cube.version()) {
            figures_.clear();
            figures_version_ = cube.version();
        }
        if (auto it = figures_.find(key); it != figures_.end()) return it->second;
    }
    report::Sections s;
    s.line_items = false;
    s.recommendations = false;
    s.sources = false;
    s.fingerprint = false;
    report::ReportData data = report::gather_report(db, v.report, &cube, s);
    // Usage quantities are not money: every amount of the view says "units" where the
    // currency would be.
    if (v.report.measure == store::Measure::usage) data.currency = kUsageUnit;
    auto d = std::make_shared<const report::ReportData>(std::move(data));
    std::lock_guard<std::mutex> l(figures_m_);
    if (figures_version_ != cube.version()) return d;  // a newer store landed meanwhile
    if (figures_.size() >= 256) figures_.clear();      // a simple bound; entries are cheap to redo
    figures_[key] = d;
    return d;
}

std::shared_ptr<const store::AccountDirectory> Site::accounts(store::Database& db,
                                                              const report::CostCube& cube) {
    const std::string key =
        std::to_string(cube.version()) + "|" + store::AccountDirectory::stamp(db);
    std::lock_guard<std::mutex> l(accounts_m_);
    if (!accounts_ || accounts_key_ != key) {
        accounts_ = std::make_shared<const store::AccountDirectory>(
            store::AccountDirectory::load(db, true));
        accounts_key_ = key;
    }
    return accounts_;
}

std::shared_ptr<const PickLists> Site::picks(store::Database& db, const report::CostCube& cube) {
    const std::string key =
        std::to_string(cube.version()) + "|" + store::AccountDirectory::stamp(db);
    auto directory = accounts(db, cube);
    // Held while reading: workers arriving together wait for one read instead of each doing it.
    std::lock_guard<std::mutex> l(picks_m_);
    if (!picks_ || picks_key_ != key) {
        picks_ = std::make_shared<const PickLists>(read_pick_lists(db, *directory));
        picks_key_ = key;
    }
    return picks_;
}

const store::AccountDirectory& ViewContext::accounts() const {
    if (!accounts_) accounts_ = site.accounts(db, cube);
    return *accounts_;
}

const report::ReportData& ViewContext::figures() const {
    if (!figures_) figures_ = site.figures(db, cube, view);
    return *figures_;
}

}  // namespace curcrunch::serve
