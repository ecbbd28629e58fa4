#include "curcrunch/store/fetched_files.hpp"

namespace curcrunch::store {

PeriodSources period_sources(Database& db, Period period) {
    PeriodSources out;
    // One ingest behind every payer's unit of the period, or the store's copy is not one
    // delivery of this run's shape: 0, as for a period not in the store.
    auto id =
        db.prepare("SELECT min(ingest_id), max(ingest_id) FROM billing_period WHERE period = ?");
    id.bind(1, static_cast<int64_t>(period));
    if (!id.step() || id.column_is_null(0) || id.column_int(0) != id.column_int(1)) return out;
    out.ingest_id = id.column_int(0);
    auto files = db.prepare("SELECT path, etag, bytes FROM fetched_file WHERE ingest_id = ?");
    files.bind(1, out.ingest_id);
    while (files.step())
        out.fetched.insert(
            FetchedFile{files.column_text(0), files.column_text(1), files.column_int(2)});
    auto paths = db.prepare("SELECT path FROM ingest_source WHERE ingest_id = ?");
    paths.bind(1, out.ingest_id);
    while (paths.step())
        out.ingested_paths.insert(paths.column_text(0));
    return out;
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
