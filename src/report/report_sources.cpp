// The Sources page: which files the figures come from. A unit (payer, billing period) keeps the
// ingest that last replaced it (billing_period.ingest_id), and each source file of an ingest
// records the units it fed (ingest_source_unit, schema 6): so a file is listed with the periods
// it fed, only for units still in the store from that delivery, and a file a later delivery
// replaced is gone. Sources recorded before schema 6 have no unit rows; they are listed under
// the manifest period they were read with, or under their ingest's units.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "report_sources.hpp"

namespace curcrunch::report {
namespace {

// "2026-10", "2025-11 to 2026-10", "2025-11, 2026-02 to 2026-04".
std::string periods_text(const std::set<Period>& ps) {
    std::string out;
    for (auto it = ps.begin(); it != ps.end();) {
        const Period first = *it;
        Period last = first;
        for (++it; it != ps.end() && *it == add_months(last, 1); ++it)
            last = *it;
        out += (out.empty() ? "" : ", ") + format_period(first) +
               (last == first ? "" : " to " + format_period(last));
    }
    return out;
}

struct FileRow {
    std::string path, sha256, manifest, assembly_id;
    std::set<Period> periods;
};

}  // namespace

void gather_sources(ReportData& d, store::Database& db) {
    const int64_t from = period_of(d.params.from), to = period_of(d.params.to);
    std::map<std::pair<std::string, std::string>, FileRow> files;  // by (path, sha256)
    auto add = [&](store::Statement& st) {
        while (st.step()) {
            FileRow& f = files[{st.column_text(1), st.column_text(2)}];
            f.path = st.column_text(1);
            f.sha256 = st.column_text(2);
            f.manifest = st.column_text(3);
            f.assembly_id = st.column_text(4);
            f.periods.insert(static_cast<Period>(st.column_int(0)));
        }
    };
    // Files that recorded the units they fed.
    auto fed = db.prepare(
        "SELECT b.period, s.path, s.sha256, s.manifest, s.assembly_id FROM billing_period b "
        "JOIN ingest_source s ON s.ingest_id = b.ingest_id "
        "JOIN ingest_source_unit u ON u.source_id = s.id AND u.payer = b.payer "
        "AND u.period = b.period WHERE b.period BETWEEN ? AND ?");
    fed.bind(1, from);
    fed.bind(2, to);
    add(fed);
    // Files of older ingests, which did not: by the manifest period they were read with, else
    // under the units their ingest replaced.
    auto older = db.prepare(
        "SELECT b.period, s.path, s.sha256, s.manifest, s.assembly_id FROM billing_period b "
        "JOIN ingest_source s ON s.ingest_id = b.ingest_id WHERE b.period BETWEEN ? AND ? "
        "AND NOT EXISTS (SELECT 1 FROM ingest_source_unit x JOIN ingest_source y ON y.id = "
        "x.source_id WHERE y.ingest_id = s.ingest_id) "
        "AND (s.period = '' OR s.period = substr(b.period, 1, 4) || '-' || substr(b.period, 5, "
        "2))");
    older.bind(1, from);
    older.bind(2, to);
    add(older);
    for (auto& [key, f] : files)
        d.sources.push_back({periods_text(f.periods), f.path, f.sha256, f.manifest, f.assembly_id});
    std::sort(d.sources.begin(), d.sources.end(), [](const SourceRef& a, const SourceRef& b) {
        return std::tie(a.period, a.path) < std::tie(b.period, b.path);
    });
}

}  // namespace curcrunch::report
