// Sha256: FIPS 180-4's example digests, and Sha256::of_file against coreutils' sha256sum (an
// independent implementation) at the edges of of_file's 16 MiB mapping windows and of
// update()'s 4 KiB prefetch steps; a file that cannot be mapped (a FIFO) is read instead. The
// rest of a file after a head hashed elsewhere (an ingest's parse) gives the whole file's digest.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <random>
#include <thread>
#include <vector>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/file_identity.hpp"
#include "curcrunch/core/sha256.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

std::string random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (char& c : s)
        c = static_cast<char>(rng() & 0xff);
    return s;
}

// The first field of `sha256sum FILE`.
std::string sha256sum(const std::string& path) {
    const Shell r = sh("sha256sum '" + path + "'");
    EXPECT_EQ(r.code, 0) << r.out;
    return r.out.substr(0, r.out.find(' '));
}

}  // namespace

TEST(Sha256, FipsExamples) {
    EXPECT_EQ(Sha256::of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(Sha256::of("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(Sha256::of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // A million 'a's: one update() of 244 whole prefetch steps and a partial one.
    EXPECT_EQ(Sha256::of(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Pieces of any size, in any order of sizes, give the digest of the whole.
TEST(Sha256, UpdatesInPiecesEqualOneUpdate) {
    const std::string bytes = random_bytes((1 << 20) + 12345, 7);
    Sha256 h;
    size_t at = 0;
    for (size_t piece : {size_t(1), size_t(4095), size_t(4097), size_t(8192), size_t(63)}) {
        h.update(bytes.data() + at, piece);
        at += piece;
    }
    h.update(bytes.data() + at, bytes.size() - at);
    EXPECT_EQ(h.hex_digest(), Sha256::of(bytes));
}

TEST(Sha256, OfFileEqualsSha256sumAtWindowAndPageEdges) {
    TempDir d;
    const size_t kMiB = size_t(1) << 20;
    const std::string big = random_bytes(33 * kMiB + 4097, 11);
    for (size_t n : {size_t(0), size_t(1), size_t(4095), size_t(4096), size_t(4097), 16 * kMiB - 1,
                     16 * kMiB, 16 * kMiB + 1, 32 * kMiB, big.size()}) {
        const std::string path = d / ("f" + std::to_string(n));
        write_file(path, big.substr(0, n));
        const std::string want = sha256sum(path);
        ASSERT_EQ(want.size(), 64u);
        EXPECT_EQ(Sha256::of_file(path), want) << n << " bytes";
        EXPECT_EQ(Sha256::of(big.substr(0, n)), want) << n << " bytes";
    }
}

// A FIFO cannot be mapped: its bytes are read as they come.
TEST(Sha256, OfFileReadsWhatCannotBeMapped) {
    TempDir d;
    const std::string fifo = d / "pipe";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const std::string bytes = random_bytes(3 * (256 << 10) + 17, 3);
    std::thread writer([&] {
        std::ofstream f(fifo, std::ios::binary);
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    });
    const std::string got = Sha256::of_file(fifo);
    writer.join();
    EXPECT_EQ(got, Sha256::of(bytes));
}

TEST(Sha256, OfFileNamesAFileItCannotOpen) {
    TempDir d;
    const std::string missing = d / "missing.csv";
    try {
        Sha256::of_file(missing);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::input);
        EXPECT_EQ(std::string(e.what()), missing + ": cannot open for hashing");
    }
}

// The rest of a file, read from the offset a head was hashed up to (a multiple of 64 KiB), gives
// sha256sum's digest of the whole file, its windows asked for from that offset on.
TEST(Sha256, TheRestOfAFileAfterItsHeadGivesTheWholeFilesDigest) {
    TempDir d;
    const size_t kMiB = size_t(1) << 20, kAlign = Sha256::kRestAlign;
    const std::string bytes = random_bytes(33 * kMiB + 4097, 5);
    const std::string path = d / "f.csv";
    write_file(path, bytes);
    const std::string want = sha256sum(path);
    const FileIdentity read = file_identity(path);
    const size_t last = bytes.size() / kAlign * kAlign;
    for (size_t from : {size_t(0), kAlign, 16 * kMiB, 16 * kMiB + kAlign, 33 * kMiB, last}) {
        Sha256 head;
        head.update(bytes.data(), from);
        std::vector<uint64_t> asked;
        EXPECT_EQ(Sha256::of_unchanged_file_rest(path, read, std::move(head), from,
                                                 [&](uint64_t end) { asked.push_back(end); }),
                  want)
            << from;
        ASSERT_FALSE(asked.empty()) << from;
        EXPECT_EQ(asked.front(), std::min<uint64_t>(bytes.size(), from + 16 * kMiB)) << from;
        EXPECT_EQ(asked.back(), bytes.size()) << from;
    }
    // A head that ends with the file (its size a multiple of 64 KiB): nothing is left to read.
    const std::string even = d / "even.csv";
    write_file(even, bytes.substr(0, 2 * kAlign));
    Sha256 whole;
    whole.update(bytes.data(), 2 * kAlign);
    EXPECT_EQ(Sha256::of_unchanged_file_rest(even, file_identity(even), std::move(whole),
                                             2 * kAlign, nullptr),
              sha256sum(even));
}

// A rest that would start inside a page is a caller's mistake; a file that changed since it was
// read, or is now shorter than its head, has no digest of the bytes read.
TEST(Sha256, TheRestOfAFileIsRefusedMisalignedOrChanged) {
    TempDir d;
    const std::string path = d / "f.csv";
    const std::string bytes = random_bytes(3 * Sha256::kRestAlign + 10, 6);
    write_file(path, bytes);
    const FileIdentity read = file_identity(path);
    try {
        Sha256::of_unchanged_file_rest(path, read, Sha256(), 4096, nullptr);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::internal);
    }
    write_file(path, bytes.substr(0, Sha256::kRestAlign));  // shorter than the head below
    try {
        Sha256::of_unchanged_file_rest(path, read, Sha256(), 2 * Sha256::kRestAlign, nullptr);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::input);
        EXPECT_NE(std::string(e.what()).find(path + ": the file changed while it was being"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace CURCRUNCH_UNITY_ID
