#include "curcrunch/report/report_archive.hpp"

#include "curcrunch/core/json_text.hpp"

namespace curcrunch::report {
namespace {

std::optional<KnownReport> lookup(store::Database& db, const char* sql, const std::string& id) {
    auto st = db.prepare(sql);
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    return KnownReport{st.column_text(0), st.column_text(1), st.column_text(2)};
}

}  // namespace

void record_written_report(store::Database& db, const ReportData& d, const std::string& json,
                           const std::string& sha256, size_t bytes, const std::string& path,
                           const std::string& signer) {
    store::Transaction tx(db);
    auto st = db.prepare(
        "INSERT INTO report_written(report_id, sha256, bytes, path, generated_at, from_day, "
        "to_day, accounts, services, currency, total, fingerprint, signer, metadata) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    st.bind(1, d.report_id).bind(2, sha256).bind(3, static_cast<int64_t>(bytes)).bind(4, path);
    st.bind(5, d.generated_at);
    st.bind(6, static_cast<int64_t>(to_yyyymmdd(d.params.from)));
    st.bind(7, static_cast<int64_t>(to_yyyymmdd(d.params.to)));
    st.bind(8, json_string_array(d.params.accounts)).bind(9, json_string_array(d.params.services));
    st.bind(10, d.currency).bind_amount(11, d.totals.total).bind(12, d.fingerprint);
    st.bind(13, signer).bind(14, json);
    st.run();
    tx.commit();
}

std::optional<KnownReport> written_report(store::Database& db, const std::string& report_id) {
    return lookup(db, "SELECT sha256, generated_at, path FROM report_written WHERE report_id = ?",
                  report_id);
}

std::optional<KnownReport> imported_report(store::Database& db, const std::string& report_id) {
    return lookup(db,
                  "SELECT r.sha256, a.imported_at, a.path FROM report r JOIN archive_document a "
                  "ON a.sha256 = r.sha256 WHERE r.report_id = ?",
                  report_id);
}

}  // namespace curcrunch::report
