// A gzip file's members and their CRCs, checked by the CSV reader rather than by the inflate
// (ByteSource::defer_crc_check): every member boundary position, trailers and headers split
// across the source's 1 MiB reads, and a damaged member found whatever it broke.
#include <gtest/gtest.h>

#include <zlib.h>

#include <string>
#include <vector>

#include "curcrunch/core/error.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "ingest_support.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

// About `rows` legacy rows, each costing 0.01 times its number (distinct amounts: a byte moved
// between members would change the total).
std::string rows_csv(int rows) {
    std::string s = kLegacyHeader;
    for (int i = 1; i <= rows; ++i)
        s += legacy_row(std::to_string(i), i % 2 ? "2024-01-03" : "2024-01-04",
                        std::to_string(i / 100) + "." + std::to_string(10 + i % 90),
                        "row " + std::to_string(i));
    return s;
}

// How the source reads a gzip file: from a mapping (a file the page cache likely holds, hashed
// by a hasher thread) or by read() into a buffer (hashed as it is read; here forced by hashing
// every file as it is read).
enum class Read { mapped, buffered };

ingest::IngestResult ingest_file(const std::string& path, size_t block = 4096,
                                 Read how = Read::mapped) {
    ingest::IngestOptions o;
    o.block_size = block;  // many chunks: member ends fall inside and at the edges of chunks
    o.defer_cached_hashes = how == Read::mapped;
    return ingest::run_ingest(ingest::plan_inputs({path}), o);
}

// The gzip file of `csv` cut into members at `cuts` (offsets into csv, ascending).
std::string members(const std::string& csv, const std::vector<size_t>& cuts, int level = 6) {
    std::string out;
    size_t from = 0;
    for (size_t c : cuts) {
        out += gzip_bytes(csv.substr(from, c - from), level);
        from = c;
    }
    return out + gzip_bytes(csv.substr(from), level);
}

// A gzip member of `data` whose header carries every optional field RFC 1952 defines: an extra
// field, a file name and a comment as given, and the header's own CRC-16 (its low bits of the
// header's CRC-32; `bad_hcrc` breaks it).
std::string member_with_every_header_field(const std::string& data, const std::string& name,
                                           bool bad_hcrc = false) {
    std::string h = {'\x1f', '\x8b', 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3};
    const std::string extra(
        "CC\x04\x00"
        "abcd",
        8);  // one subfield: id "CC", 4 bytes
    h += static_cast<char>(extra.size());
    h += '\0';
    h += extra + name + '\0' + "a comment" + '\0';
    uint32_t hcrc = crc32(0, reinterpret_cast<const Bytef*>(h.data()), static_cast<uInt>(h.size()));
    if (bad_hcrc) hcrc ^= 1;
    h += static_cast<char>(hcrc & 0xff);
    h += static_cast<char>((hcrc >> 8) & 0xff);
    const std::string body = deflate_bytes(data, 6, -15);  // raw deflate
    const uint32_t crc =
        crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
    const uint32_t size = static_cast<uint32_t>(data.size());
    std::string trailer;
    for (uint32_t v : {crc, size})
        for (int i = 0; i < 4; ++i)
            trailer += static_cast<char>((v >> (8 * i)) & 0xff);
    return h + body + trailer;
}

std::string input_error(const std::string& path, Read how = Read::mapped) {
    try {
        ingest_file(path, 4096, how);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::input) << e.what();
        return e.what();
    }
    return "(no error)";
}

// A length of `csv`'s head whose stored (level 0) member is a few bytes short of `size`: the
// callers then add a byte at a time until it is `size`. A stored member is its data plus a
// few bytes per block, so one compression finds the overhead; stepping a byte at a time from
// a fixed distance below compressed the megabyte ~100 times a size (12 s under ASan).
size_t stored_cut_below(const std::string& csv, size_t size) {
    const size_t guess = size - 200;
    const size_t overhead = gzip_bytes(csv.substr(0, guess), 0).size() - guess;
    return size - overhead - 8;
}

}  // namespace

TEST(GzipMembers, EveryBoundaryPositionGivesTheSameRollups) {
    TempDir t;
    const std::string csv = rows_csv(400);
    write_file(t / "plain.csv", csv);
    const Amount want = total(ingest_file(t / "plain.csv"));
    const size_t header = std::string(kLegacyHeader).size();
    const size_t row2 = csv.find("\n2,") + 1;
    // Inside the header, at its end, inside a row, at a row's start, near the end, an empty
    // member, and then a member every 97 bytes.
    const std::vector<std::vector<size_t>> layouts = {
        {5}, {header}, {header + 7}, {row2}, {csv.size() - 3}, {row2, row2}, {csv.size()}};
    std::vector<size_t> every;
    for (size_t c = 97; c < csv.size(); c += 97)
        every.push_back(c);
    int n = 0;
    for (const auto& cuts : layouts) {
        const std::string f = t / ("m" + std::to_string(n++) + ".csv.gz");
        write_file(f, members(csv, cuts));
        auto r = ingest_file(f);
        EXPECT_EQ(total(r), want) << f;
        EXPECT_EQ(r.rows, 400u) << f;
    }
    write_file(t / "every.csv.gz", members(csv, every, 1));
    EXPECT_EQ(total(ingest_file(t / "every.csv.gz")), want);
    EXPECT_EQ(total(ingest_file(t / "every.csv.gz", 4u << 20)), want);
}

// Member sizes chosen so that a trailer, then a header, straddles the first 1 MiB read of the
// file (the source takes the mapping 1 MiB at a time): stored blocks (level 0) make a member's
// size follow its data byte for byte.
TEST(GzipMembers, TrailersAndHeadersSplitAcrossReads) {
    TempDir t;
    const std::string csv = rows_csv(14000);  // about 1.5 MB
    ASSERT_GT(csv.size(), (1u << 20) + 100000);
    write_file(t / "plain.csv", csv);
    const Amount want = total(ingest_file(t / "plain.csv", 4u << 20));
    const size_t mib = 1u << 20;
    // The first member's size: trailer bytes on both sides of 1 MiB, then the second member's
    // 10-byte header on both sides of it, for each split of those bytes.
    std::vector<size_t> sizes;
    for (size_t k = 1; k < 8; ++k)
        sizes.push_back(mib + k);  // the trailer's last k bytes after the boundary
    for (size_t k = 1; k < 10; ++k)
        sizes.push_back(mib - k);  // the next header's first k bytes before it
    for (size_t want_size : sizes) {
        size_t cut = stored_cut_below(csv, want_size);
        std::string first = gzip_bytes(csv.substr(0, cut), 0);
        while (first.size() < want_size)
            first = gzip_bytes(csv.substr(0, ++cut), 0);
        ASSERT_EQ(first.size(), want_size);
        const std::string f = t / ("s" + std::to_string(want_size) + ".csv.gz");
        write_file(f, first + gzip_bytes(csv.substr(cut), 0));
        for (Read how : {Read::mapped, Read::buffered})
            EXPECT_EQ(total(ingest_file(f, 4u << 20, how)), want) << want_size;
    }
}

// Headers with an extra field, a name, a comment and a header CRC, the second one's name running
// across the source's first 1 MiB read; a header CRC that does not match is damage.
TEST(GzipMembers, HeadersWithEveryOptionalField) {
    TempDir t;
    const std::string csv = rows_csv(14000);
    write_file(t / "plain.csv", csv);
    const Amount want = total(ingest_file(t / "plain.csv", 4u << 20));
    const std::string name(300, 'n');
    // The first member (stored, so its size follows its data) ends 120 bytes before 1 MiB: the
    // second member's header (12 bytes, the extra field's 10, then the name) crosses it.
    const size_t ends_at = (1u << 20) - 120;
    size_t cut = stored_cut_below(csv, ends_at);
    std::string first = gzip_bytes(csv.substr(0, cut), 0);
    while (first.size() < ends_at)
        first = gzip_bytes(csv.substr(0, ++cut), 0);
    ASSERT_EQ(first.size(), ends_at);
    write_file(t / "fields.csv.gz", first + member_with_every_header_field(csv.substr(cut), name));
    for (Read how : {Read::mapped, Read::buffered})
        EXPECT_EQ(total(ingest_file(t / "fields.csv.gz", 4u << 20, how)), want);
    write_file(t / "one.csv.gz", member_with_every_header_field(csv, "one.csv"));
    EXPECT_EQ(total(ingest_file(t / "one.csv.gz")), want);
    write_file(t / "hcrc.csv.gz", member_with_every_header_field(csv, "one.csv", true));
    EXPECT_NE(input_error(t / "hcrc.csv.gz")
                  .find(t / "hcrc.csv.gz" + ": gzip: CRC or length check failed"),
              std::string::npos);
}

// Bytes changed inside a stored block: the deflate data stays valid, so only the CRC can tell.
// A changed digit leaves every row readable; a changed comma breaks one. Both must end the
// ingest naming the gzip damage.
TEST(GzipMembers, DataChangedUnderAValidDeflateStreamIsCaught) {
    TempDir t;
    const std::string csv = rows_csv(300);
    for (const auto& [from, to] : {std::pair<std::string, std::string>{"row 150,", "row 159,"},
                                   std::pair<std::string, std::string>{"row 150,", "row 150;"}}) {
        std::string gz = members(csv, {csv.size() / 3}, 0);
        const size_t at = gz.find(from);
        ASSERT_NE(at, std::string::npos);
        gz.replace(at, from.size(), to);
        const std::string f = t / "changed.csv.gz";
        write_file(f, gz);
        for (Read how : {Read::mapped, Read::buffered})
            EXPECT_NE(input_error(f, how).find(f + ": gzip: CRC or length check failed"),
                      std::string::npos)
                << to;
    }
    // A member's stated length wrong: found as its trailer is read.
    std::string gz = members(csv, {csv.size() / 3});
    const std::string first = gzip_bytes(csv.substr(0, csv.size() / 3));
    gz[first.size() - 1] ^= 0x01;  // the first member's ISIZE, high byte
    write_file(t / "length.csv.gz", gz);
    EXPECT_NE(input_error(t / "length.csv.gz")
                  .find(t / "length.csv.gz" + ": gzip: CRC or length check failed"),
              std::string::npos);
    // The second member's trailer CRC.
    gz = members(csv, {csv.size() / 3});
    gz[gz.size() - 6] ^= 0x55;
    write_file(t / "crc2.csv.gz", gz);
    EXPECT_NE(input_error(t / "crc2.csv.gz")
                  .find(t / "crc2.csv.gz" + ": gzip: CRC or length check failed"),
              std::string::npos);
}

}  // namespace CURCRUNCH_UNITY_ID
