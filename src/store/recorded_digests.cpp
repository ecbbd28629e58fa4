#include "curcrunch/store/recorded_digests.hpp"

namespace curcrunch::store {

std::map<std::string, ingest::RecordedDigest> recorded_digests(
    Database& db, const std::vector<std::string>& paths) {
    std::map<std::string, ingest::RecordedDigest> out;
    auto st = db.prepare(
        "SELECT sha256, file_dev, file_ino, file_bytes, file_mtime_ns, ingest_id FROM "
        "ingest_source WHERE path = ? AND file_mtime_ns <> 0 AND sha256 <> '' "
        "ORDER BY id DESC LIMIT 1");
    for (const std::string& p : paths) {
        st.bind(1, p);
        if (st.step()) {
            ingest::RecordedDigest r;
            r.sha256 = st.column_text(0);
            r.identity.dev = static_cast<uint64_t>(st.column_int(1));
            r.identity.ino = static_cast<uint64_t>(st.column_int(2));
            r.identity.size = static_cast<uint64_t>(st.column_int(3));
            r.identity.mtime_ns = st.column_int(4);
            r.ingest_id = st.column_int(5);
            out.emplace(p, std::move(r));
        }
        st.reset();
    }
    return out;
}

}  // namespace curcrunch::store
