#include "curcrunch/store/fetched_files.hpp"

namespace curcrunch::store {

PeriodSources period_sources(Database& db, Period period, const std::string& prefix,
                             const std::string& absolute_prefix) {
    PeriodSources out;
    auto ids = db.prepare("SELECT DISTINCT ingest_id FROM billing_period WHERE period = ?");
    ids.bind(1, static_cast<int64_t>(period));
    auto files = db.prepare("SELECT path, etag, bytes FROM fetched_file WHERE ingest_id = ?");
    auto paths = db.prepare("SELECT path FROM ingest_source WHERE ingest_id = ?");
    auto under = [](const std::string& path, const std::string& p) {
        return path.compare(0, p.size(), p) == 0;
    };
    int holders = 0;
    while (ids.step()) {
        const int64_t id = ids.column_int(0);
        bool holds = false;
        files.bind(1, id);
        while (files.step()) {
            FetchedFile f{files.column_text(0), files.column_text(1), files.column_int(2)};
            if (!under(f.path, prefix)) continue;
            out.fetched.insert(std::move(f));
            holds = true;
        }
        files.reset();
        paths.bind(1, id);
        while (paths.step()) {
            std::string path = paths.column_text(0);
            if (!under(path, absolute_prefix)) continue;
            out.ingested_paths.insert(std::move(path));
            holds = true;
        }
        paths.reset();
        if (holds) {
            ++holders;
            out.ingest_id = id;
        }
    }
    // The files of one source spread over several ingests are not one delivery of it.
    if (holders != 1) out = PeriodSources{};
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
