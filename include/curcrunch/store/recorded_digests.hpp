#pragma once
// What the store knows of files an ingest is about to read: for each path, the latest recorded
// source with an identity (schema 10), so the ingest can reuse its sha256 (ingest/engine.hpp).
#include <map>
#include <string>
#include <vector>

#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

std::map<std::string, ingest::RecordedDigest> recorded_digests(
    Database& db, const std::vector<std::string>& paths);

}  // namespace curcrunch::store
