#pragma once
// One CSV stream of an ingest (engine-internal). Per stream a TBB pipeline runs
//   read (or cut from the file's mapping) + split at record boundaries (serial, in order)
//   -> validate, scan, decode and aggregate into the thread's rollup (parallel)
//   -> hash and give the chunk back (serial, in order).
#include <string_view>

#include "curcrunch/core/sha256.hpp"
#include "curcrunch/ingest/byte_source.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/ingest/hash_pace.hpp"
#include "curcrunch/ingest/input_plan.hpp"
#include "engine_core.hpp"
#include "stream_digest.hpp"

namespace curcrunch::ingest {

// Parses `src` (or `mapped`, the whole file, when not empty) into the workers of `core` and
// fills rep's dialect, rows, skipped rows, bytes and units. `digest`, when given, receives
// every byte of the stream in order (stream_digest.hpp). `last_file`: no file of the run starts
// after this one. `pace`, when given, is told of every chunk parsed (the file's digest keeps behind
// it). Throws Error(input) on bad input, naming the place.
void ingest_csv_stream(EngineCore& core, ByteSource& src, std::string_view mapped,
                       const InputStreamInfo& info, const InputUnit& u, SourceReport& rep,
                       StreamDigest* digest, bool last_file, HashPace* pace);

}  // namespace curcrunch::ingest
