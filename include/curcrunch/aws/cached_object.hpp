#pragma once
// What the fetch cache knows of a downloaded S3 object, in the file's sidecar <file>.etag: the
// object's ETag (first line: the version the file holds, all older readers look at) and, from
// the download that wrote the file, its sha256 with the file's identity (device, inode, size,
// modification time) once it was complete and renamed into place (second line).
//
// Invariant: while the file keeps that identity it is taken to hold those bytes, as an ingest
// takes a recorded digest (core/file_identity.hpp); a cached file whose identity changed is
// hashed once and downloaded again unless its digest is still the recorded one. A sidecar
// without the second line (written before it was kept) vouches for the ETag only.
#include <string>

#include "curcrunch/core/file_identity.hpp"

namespace curcrunch::aws {

struct CachedObject {
    std::string etag;    // with its quotes; "" when there is no sidecar
    std::string sha256;  // hex; "" when not recorded
    FileIdentity identity;
};

// The sidecar of `path`; an empty CachedObject when it is missing or unreadable.
CachedObject read_cached_object(const std::string& path);
// Writes the sidecar of `path` and syncs it (not its folder); Error(internal) if it cannot.
void write_cached_object(const std::string& path, const CachedObject& object);
// Removes the sidecar of `path`, so that the next run downloads the file again.
void forget_cached_object(const std::string& path);

}  // namespace curcrunch::aws
