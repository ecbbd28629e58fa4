#pragma once
// The body of the two CSV harnesses: one file through the whole ingest (schema, chunking with
// small blocks so records straddle chunks, scanning, decoding, rollups, sums) and into the store.
#include <filesystem>
#include <system_error>

#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/ingest/input_plan.hpp"
#include "fuzz_support.hpp"

namespace curcrunch::fuzz {

inline void ingest_file(const std::string& path, bool prefer_zlib) {
    ingest::IngestOptions o;
    o.threads = 1;
    o.block_size = 256;  // small: the record splitter and buffer growth run on every input
    o.prefer_zlib = prefer_zlib;
    // Inputs of odd size run with `--stats`: the row decoder's timed copy is fuzzed too.
    ingest::StageStats stats;
    std::error_code ec;
    if (std::filesystem::file_size(path, ec) % 2 == 1) o.stats = &stats;
    ingest::IngestResult r;
    try {
        r = ingest::run_ingest(ingest::plan_inputs({path}), o);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::input) return;  // bad input, said clearly: expected
        finding("ingest error of an unexpected kind", e.what());
    }
    if (r.rows == 0) return;
    store::Store& st = memory_store();
    try {
        st.replace_periods(r, "fuzz", false);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::input) finding("store write failed", e.what());
    }
    expect_store_readable(st);
}

}  // namespace curcrunch::fuzz
