#include "curcrunch/store/fetched_files.hpp"

namespace curcrunch::store {

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Whether an ingest_source path is one of the profile's files: under its cache folder as it is
// now, or (store and cache moved since) ending in one of its recorded cache-relative paths.
bool is_profile_source(const std::string& path, const PeriodSources& s,
                       const std::string& absolute_prefix) {
    if (starts_with(path, absolute_prefix)) return true;
    for (const FetchedFile& f : s.fetched)
        if (ends_with(path, "/" + f.path)) return true;
    return false;
}

// False when a unit that one of the profile's files of `ingest_id` fed has been replaced since.
bool still_whole(Database& db, int64_t ingest_id, Period period, const PeriodSources& s,
                 const std::string& absolute_prefix) {
    auto st = db.prepare(
        "SELECT s.path, coalesce(b.ingest_id, 0) FROM ingest_source s JOIN ingest_source_unit u "
        "ON u.source_id = s.id LEFT JOIN billing_period b ON b.payer = u.payer AND b.period = "
        "u.period WHERE s.ingest_id = ? AND u.period = ?");
    st.bind(1, ingest_id).bind(2, static_cast<int64_t>(period));
    while (st.step())
        if (st.column_int(1) != ingest_id &&
            is_profile_source(st.column_text(0), s, absolute_prefix))
            return false;
    return true;
}

}  // namespace

PeriodSources period_sources(Database& db, Period period, const std::string& prefix,
                             const std::string& absolute_prefix) {
    auto ids = db.prepare(
        "SELECT DISTINCT ingest_id FROM billing_period WHERE period = ? ORDER BY ingest_id DESC");
    ids.bind(1, static_cast<int64_t>(period));
    auto files = db.prepare("SELECT path, etag, bytes FROM fetched_file WHERE ingest_id = ?");
    auto paths = db.prepare("SELECT path FROM ingest_source WHERE ingest_id = ?");
    while (ids.step()) {
        const int64_t id = ids.column_int(0);
        PeriodSources out;
        files.bind(1, id);
        while (files.step()) {
            FetchedFile f{files.column_text(0), files.column_text(1), files.column_int(2)};
            if (starts_with(f.path, prefix)) out.fetched.insert(std::move(f));
        }
        files.reset();
        paths.bind(1, id);
        while (paths.step()) {
            std::string path = paths.column_text(0);
            if (starts_with(path, absolute_prefix)) out.ingested_paths.insert(std::move(path));
        }
        paths.reset();
        if (out.fetched.empty() && out.ingested_paths.empty()) continue;
        // The newest ingest of the profile's files decides: older ones were superseded by it.
        if (!still_whole(db, id, period, out, absolute_prefix)) return {};
        out.ingest_id = id;
        return out;
    }
    return {};
}

void record_fetched_files(Database& db, int64_t ingest_id, const std::vector<FetchedFile>& files) {
    Transaction tx(db);
    auto st = db.prepare(
        "INSERT OR REPLACE INTO fetched_file(ingest_id, path, etag, bytes) VALUES (?,?,?,?)");
    for (const FetchedFile& f : files) {
        st.bind(1, ingest_id).bind(2, f.path).bind(3, f.etag).bind(4, f.bytes);
        st.run();
        st.reset();
    }
    tx.commit();
}

}  // namespace curcrunch::store
