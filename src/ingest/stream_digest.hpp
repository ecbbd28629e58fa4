#pragma once
// The sha256 of an uncompressed CSV file taken by its own stream (engine-internal): the last,
// serial stage of the stream's pipeline hands it each chunk in file order, after the chunk is
// parsed, while its bytes are still in the shared cache (csv_stream.cpp).
//
// Given a hasher (DeferredHashes) and the file's pace (hash_pace.hpp), only the file's head is
// hashed here: once the head reaches HashPace::head_end(), the part held back for the store
// write, the digest so far and the rest of the file go to a hasher thread, which reads the rest
// again through its own mapping once the parse ends, beside the store write. Before, a hasher
// thread read the whole file again beside the parse (kept behind it): it mapped every page a
// second time and read it from memory. Hashed here, the head costs neither (whole process on
// the bench's 1 GB file at two threads, with the rest hashed here too: 0.932x the CPU time).
// Without a hasher, every byte is hashed here (--threads 1, or a file too big for the cache).
//
// Invariant: update() gets every byte of the file, in order, from offset 0; so the bytes hashed
// so far are the file's offset, and the rest starts at a multiple of Sha256::kRestAlign.
#include <cstdint>
#include <memory>
#include <string>

#include "curcrunch/core/file_identity.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/ingest/hash_pace.hpp"
#include "deferred_hashes.hpp"

namespace curcrunch::ingest {

class StreamDigest {
  public:
    // Hashes every byte it is given.
    StreamDigest() = default;
    // Hashes the head of the file at `path` (parsed as `read`) and hands the rest to `rest_by`.
    StreamDigest(DeferredHashes& rest_by, std::string path, FileIdentity read,
                 std::shared_ptr<HashPace> pace)
        : rest_by_(&rest_by), path_(std::move(path)), read_(read), pace_(std::move(pace)) {}

    void update(const char* p, size_t n);
    // Whether the rest went to the hasher: the digest then comes from it (wait_for_hashes).
    bool handed_over() const { return handed_over_; }
    // The digest of every byte given, when none was handed over; finishes it.
    std::string hex_digest() { return head_.hex_digest(); }

  private:
    Sha256 head_;
    uint64_t hashed_ = 0;  // bytes given to head_: the file offset reached
    DeferredHashes* rest_by_ = nullptr;
    std::string path_;
    FileIdentity read_;
    std::shared_ptr<HashPace> pace_;
    bool handed_over_ = false;
};

}  // namespace curcrunch::ingest
