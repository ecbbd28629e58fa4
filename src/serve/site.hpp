#pragma once
// The dashboard's shared state, one per server: the store (read-only connections for views, one
// writer at a time for uploads), the in-memory cube, the figures of recent views and the text
// metrics the charts are laid out with. Handlers on any worker thread reach the store only
// through a Site; everything here is safe to call concurrently.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "curcrunch/chart/text_metrics.hpp"
#include "curcrunch/report/cost_cube.hpp"
#include "curcrunch/report/pdf_signature.hpp"
#include "curcrunch/report/report_data.hpp"
#include "curcrunch/serve/dashboard.hpp"
#include "curcrunch/serve/html.hpp"
#include "curcrunch/serve/view_params.hpp"
#include "curcrunch/store/account_directory.hpp"
#include "curcrunch/store/database.hpp"
#include "curcrunch/store/query.hpp"
#include "curcrunch/store/query_mom.hpp"
#include "memo.hpp"

namespace curcrunch::serve {

// What amounts of the usage measure are shown in, where a currency would be.
inline constexpr const char* kUsageUnit = "units";

class Site {
  public:
    // Throws Error(usage) when there is no store or the trust file cannot be read.
    explicit Site(ServeOptions options);
    Site(const Site&) = delete;
    Site& operator=(const Site&) = delete;

    const ServeOptions& options() const { return options_; }
    const chart::TextMetrics& metrics() const { return metrics_; }
    // The certificates of --trust-file, or null. Read only after construction; uploads use it
    // under write_lock().
    const report::TrustStore* trust() const { return trust_ ? &*trust_ : nullptr; }

    std::unique_ptr<store::Database> open_read_only() const;
    // Imports take this lock: SQLite allows one writer, and a verdict per file needs the
    // file's import to be finished before the next starts.
    std::mutex& write_lock() { return write_m_; }

    // The cube, reloaded when an ingest has landed since it was built.
    std::shared_ptr<const report::CostCube> current_cube(store::Database& db);

    // The figures of a view, cached per filters and store version: a page, its API twin and
    // sorting or paging through a table all reuse one computation.
    std::shared_ptr<const report::ReportData> figures(store::Database& db,
                                                      const report::CostCube& cube,
                                                      const ViewParams& v);

    // Account names, OU paths and payers, reloaded when an ingest (the CUR payers) or a fetch
    // of accounts has landed since it was read.
    std::shared_ptr<const store::AccountDirectory> accounts(store::Database& db,
                                                            const report::CostCube& cube);

    // The filter form's choices (choices.hpp), read again when the accounts would be.
    std::shared_ptr<const PickLists> picks(store::Database& db, const report::CostCube& cube);

    // What the pages that group compute (grouping.hpp), per view and store version.
    Memo<std::vector<store::ResultRow>> grouped_rows;
    Memo<store::MonthOverMonth> month_over_month;
    Memo<std::vector<std::string>> tag_values;

  private:
    ServeOptions options_;
    chart::TextMetrics metrics_;
    std::optional<report::TrustStore> trust_;
    std::mutex write_m_;
    std::mutex cube_m_;
    std::shared_ptr<const report::CostCube> cube_;
    std::mutex figures_m_;
    std::map<std::string, std::shared_ptr<const report::ReportData>> figures_;
    int64_t figures_version_ = -1;  // the cube version every entry of figures_ belongs to
    std::mutex accounts_m_;
    std::shared_ptr<const store::AccountDirectory> accounts_;
    std::string accounts_key_;  // cube version and account table stamp accounts_ was read at
    std::mutex picks_m_;
    std::shared_ptr<const PickLists> picks_;
    std::string picks_key_;
};

// What a view's renderer works from: the parsed filters, an open read-only connection, the cube
// of the same store version, the form token of the request (for forms that post) and, computed
// on first use, the view's figures.
class ViewContext {
  public:
    ViewContext(Site& site, const ViewParams& view, store::Database& db,
                const report::CostCube& cube, std::string form_token)
        : site(site), view(view), db(db), cube(cube), form_token(std::move(form_token)) {}

    Site& site;
    const ViewParams& view;
    store::Database& db;
    const report::CostCube& cube;
    const std::string form_token;

    const report::ReportData& figures() const;
    const store::AccountDirectory& accounts() const;

  private:
    // Holds the cache entry for as long as the render uses it, even if the cache drops it.
    mutable std::shared_ptr<const report::ReportData> figures_;
    mutable std::shared_ptr<const store::AccountDirectory> accounts_;
};

}  // namespace curcrunch::serve
