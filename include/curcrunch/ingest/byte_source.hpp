#pragma once
// Byte sources deliver the decompressed bytes of one logical CSV stream into caller-owned,
// reused buffers: nothing here allocates per read. Compression is detected from content (magic
// bytes), never from the file name alone. Each source also hashes the raw bytes it reads from
// disk, so the ingest record's sha256 costs no second pass over the file.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "curcrunch/ingest/stage_stats.hpp"

namespace curcrunch::ingest {

enum class Compression { none, gzip, zip };
const char* compression_name(Compression c);

// Where a gzip member ends in the decompressed stream (the offset just past its last byte) and
// the CRC-32 its trailer states for the member's bytes.
struct MemberEnd {
    uint64_t end = 0;
    uint32_t crc = 0;
};

class ByteSource {
  public:
    virtual ~ByteSource() = default;
    // Fills up to `cap` bytes; returns 0 only at the end of the stream. Throws Error(input) on
    // corrupt or truncated data, naming the file.
    virtual size_t read(char* dst, size_t cap) = 0;
    // Raw bytes consumed from disk so far (for progress).
    virtual uint64_t raw_bytes_read() const = 0;

    // Deferred checks (ISA-L's gzip source): asked before the first read, the source leaves the
    // CRC-32 of its members' bytes to the caller and returns true; it still checks everything
    // else (headers, deflate data, each member's length) as it reads. The caller must then
    // check every byte read against the ends take_member_ends() hands over (MemberCrc,
    // ingest/member_crc.hpp). Why: the inflate is one serial chain, which the CRC lengthened by
    // about a tenth; the caller checks on another stage, beside it. A source that cannot defer
    // returns false and checks as before.
    virtual bool defer_crc_check() { return false; }
    // The ends of the members that finished since the last call, in stream order, appended.
    virtual void take_member_ends(std::vector<MemberEnd>& out) { (void)out; }
    // After an error found in the decompressed bytes of a deferring source: throws the error
    // the source would have raised had it checked CRCs itself (a corrupt file names its CRC,
    // not the first row its damage broke). Returns when the whole file checks out, or when it
    // cannot be read again (a pipe).
    virtual void check_whole() {}
};

// A logical CSV stream inside one file: the file itself, or one member of a zip archive.
struct InputStreamInfo {
    std::string path;    // file on disk
    std::string member;  // zip member name, empty otherwise
    // The member name comes from the archive's bytes: it is shown escaped (core/shown_text).
    std::string display_name() const;
};

// One input file opened for reading. For zip archives next_stream() steps through the CSV
// members; plain and gzip files have exactly one stream. sha256() is the hash of the whole file
// on disk and is complete once every stream was read to its end.
class InputFile {
  public:
    // `stats`, when given, is charged with the time spent hashing raw (compressed) bytes.
    // `hash` false: the caller already knows the file's digest; sha256() must not be called.
    static std::unique_ptr<InputFile> open(const std::string& path, bool prefer_zlib = false,
                                           StageStats* stats = nullptr, bool hash = true);
    virtual ~InputFile() = default;
    virtual Compression compression() const = 0;
    // Advances to the next stream; false when there is none. Must be called once before reading.
    virtual bool next_stream(InputStreamInfo& info) = 0;
    virtual ByteSource& source() = 0;
    virtual std::string sha256() = 0;
    virtual uint64_t file_size() const = 0;
    // True for an uncompressed file: its one stream is the file's bytes, so the reader hashes
    // them itself, in order, while they are in cache from the parse (engine.cpp); sha256()
    // must not be called then.
    virtual bool hashed_by_reader() const { return false; }
    // The whole uncompressed file as a read-only mapping, when it is read that way (files that
    // fit comfortably in the page cache); empty otherwise. Bytes past the end of the file must
    // not be read.
    virtual std::string_view mapped() { return {}; }
};

Compression detect_compression(const unsigned char* head, size_t n);

// True for a file under half of RAM: it is likely in the page cache once read, so reading it
// again (mapping it, or hashing it apart from the parse) costs memory bandwidth, not the disk.
bool likely_cached(uint64_t size);

}  // namespace curcrunch::ingest
