#include "curcrunch/ingest/byte_source.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/core/mapped_read.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "mapping_release.hpp"

namespace curcrunch::ingest {
namespace {

constexpr size_t kRawBlock = 1 << 20;

// RAII file descriptor that hashes everything read through it.
class RawFile {
  public:
    RawFile(const std::string& path, bool hash, StageStats* stats)
        : path_(path), hashing_(hash), stats_(stats) {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) throw_input(path + ": cannot open: " + std::strerror(errno));
        struct stat st {};
        if (::fstat(fd_, &st) == 0) {
            size_ = static_cast<uint64_t>(st.st_size);
            regular_ = S_ISREG(st.st_mode);
        }
        ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    ~RawFile() {
        if (map_) ::munmap(map_, size_);
        if (fd_ >= 0) ::close(fd_);
    }
    RawFile(const RawFile&) = delete;
    RawFile& operator=(const RawFile&) = delete;

    size_t read(void* dst, size_t cap) {
        for (;;) {
            ssize_t n = ::read(fd_, dst, cap);
            if (n >= 0) {
                if (hashing_) {
                    // Reads run inside the engine's read stage, which this timer pauses.
                    StageTimer t(stats_, Stage::hash);
                    hash_.update(dst, static_cast<size_t>(n));
                }
                done_ += static_cast<uint64_t>(n);
                return static_cast<size_t>(n);
            }
            if (errno != EINTR) throw_input(path_ + ": read error: " + std::strerror(errno));
        }
    }
    // Reads what is left so the hash covers the whole file even if a stream stopped early.
    std::string finish_hash() {
        if (!digest_.empty()) return digest_;
        std::vector<char> buf(kRawBlock);
        while (read(buf.data(), buf.size()) > 0) {
        }
        digest_ = hash_.hex_digest();
        return digest_;
    }
    // Maps the whole file for next_view(), which then replaces read(). Only a file read
    // without hashing (its digest is known, or taken by the hasher thread) and likely in the
    // page cache is mapped: read() copied a compressed file into a buffer, 1.7% of a gzip
    // ingest's CPU, where the inflate can read the cached pages in place. False when the file
    // stays read: empty, not regular (a pipe), hashed here, or the mapping failed.
    bool map_whole() {
        if (map_) return true;
        if (hashing_ || size_ == 0 || done_ != 0 || !regular_ || !likely_cached(size_))
            return false;
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
        if (p == MAP_FAILED) return false;
        ::madvise(p, size_, MADV_SEQUENTIAL);
        map_ = static_cast<uint8_t*>(p);
        release_ = InOrderRelease(static_cast<const char*>(p));
        return true;
    }
    // The next up to `cap` bytes of the mapping, empty at its end. The whole 2 MiB blocks of the
    // bytes before them leave this process's page tables (they stay in the page cache), so
    // resident memory does not grow with the file: the caller must be done with them. Whole
    // blocks only: see mapping_release.hpp.
    std::string_view next_view(size_t cap) {
        release_.before(reinterpret_cast<const char*>(map_) + done_);
        const size_t n = static_cast<size_t>(std::min<uint64_t>(cap, size_ - done_));
        std::string_view v(reinterpret_cast<const char*>(map_) + done_, n);
        done_ += n;
        return v;
    }
    // The mapping, for a MappedFileScope; empty when the file is read.
    std::string_view mapping() const {
        return map_ ? std::string_view(reinterpret_cast<const char*>(map_), size_)
                    : std::string_view();
    }
    uint64_t done() const { return done_; }
    uint64_t size() const { return size_; }
    int fd() const { return fd_; }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    bool hashing_;
    StageStats* stats_;
    int fd_ = -1;
    bool regular_ = false;
    uint64_t size_ = 0;
    uint64_t done_ = 0;       // bytes read, or handed out by next_view()
    uint8_t* map_ = nullptr;  // map_whole()
    InOrderRelease release_;  // next_view()'s, of the mapping
    Sha256 hash_;
    std::string digest_;
};

// Uncompressed file: the stream is the file.
class PlainSource final : public ByteSource {
  public:
    explicit PlainSource(RawFile& f) : f_(f) {}
    size_t read(char* dst, size_t cap) override { return f_.read(dst, cap); }
    uint64_t raw_bytes_read() const override { return f_.done(); }

  private:
    RawFile& f_;
};

// What an ISA-L inflate error code means, for messages.
// Whether the n bytes at p (n > 0) can start a gzip member: its magic, 1f 8b (RFC 1952).
// Anything else after a member is not a truncated or damaged member but bytes appended to the
// stream, and is named so.
bool gzip_member_magic(const uint8_t* p, size_t n) {
    return p[0] == 0x1f && (n < 2 || p[1] == 0x8b);
}

[[noreturn]] void fail_gzip_trailing(const std::string& path, uint64_t at) {
    throw_input(path + ": trailing data after the last gzip member (at byte " + std::to_string(at) +
                ": not a gzip header)");
}

const char* isal_error_text(int rc) {
    return rc == ISAL_INCORRECT_CHECKSUM   ? "CRC or length check failed"
           : rc == ISAL_INVALID_WRAPPER    ? "not a valid gzip header"
           : rc == ISAL_UNSUPPORTED_METHOD ? "unsupported compression method"
                                           : "corrupt deflate data";
}

uint32_t load_le32(const uint8_t* p) {
    return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

// gzip through ISA-L's igzip. A file may hold several gzip members back to back (RFC 1952
// allows it; `cat a.gz b.gz` makes one): when a member finishes and input remains, the state is
// reset and decoding continues. ISA-L verifies each member's CRC32 and length, unless the reader
// took the CRC over (defer_crc_check): then this reads each member's header with ISA-L's header
// reader, inflates raw deflate data, and reads the trailer itself, checking the length here and
// handing the CRC on (take_member_ends).
class IsalGzipSource final : public ByteSource {
  public:
    explicit IsalGzipSource(RawFile& f) : f_(f), mapped_(f.map_whole()) {
        if (!mapped_) in_.resize(kRawBlock);
        isal_inflate_init(&st_);
        st_.crc_flag = ISAL_GZIP;
        isal_gzip_header_init(&header_);
    }
    bool defer_crc_check() override {
        if (out_total_ > 0 || st_.total_out > 0) return false;  // only before the first read
        deferred_ = true;
        st_.crc_flag = ISAL_DEFLATE;
        return true;
    }
    void take_member_ends(std::vector<MemberEnd>& out) override {
        out.insert(out.end(), ends_.begin(), ends_.end());
        ends_.clear();
    }
    size_t read(char* dst, size_t cap) override {
        // The inflate reads the mapping in place: a file truncated under it ends the ingest
        // with a message, not with SIGBUS alone (core/mapped_read.hpp). Empty when read.
        const std::string_view whole = f_.mapping();
        const MappedFileScope shrunk(whole.data(), whole.size(), f_.path());
        size_t produced = 0;
        while (produced < cap && !finished_) {
            if (st_.avail_in == 0 && !eof_) refill();
            if (deferred_ && !header_read_ && !read_header()) continue;
            if (st_.block_state == ISAL_BLOCK_FINISH) {
                if (deferred_ && !trailer_read_) {
                    read_trailer(out_total_ + produced);
                    continue;
                }
                if (!start_next_member()) break;
                continue;
            }
            st_.next_out = reinterpret_cast<uint8_t*>(dst + produced);
            st_.avail_out = static_cast<uint32_t>(cap - produced);
            int rc = isal_inflate(&st_);
            produced = cap - st_.avail_out;
            if (rc < 0) fail(rc);
            if (st_.block_state != ISAL_BLOCK_FINISH && st_.avail_in == 0 && eof_ &&
                st_.avail_out != 0)
                fail_truncated();
        }
        out_total_ += produced;
        return produced;
    }
    uint64_t raw_bytes_read() const override { return f_.done(); }

    // Inflates the whole file again with ISA-L's own checks, output thrown away: from its
    // mapping, or read again from its start (a pipe cannot be: then the first error stands).
    void check_whole() override {
        const std::string_view whole = f_.mapping();
        const MappedFileScope shrunk(whole.data(), whole.size(), f_.path());
        auto st = std::make_unique<inflate_state>();  // ~200 KiB: not on the stack
        std::vector<uint8_t> sink(kRawBlock), block(whole.empty() ? kRawBlock : 0);
        uint64_t pos = 0;  // bytes of the file given to the inflate
        // The file's next bytes as the inflate's input; false at its end or when it cannot be
        // read again.
        auto feed = [&] {
            size_t n = 0;
            if (!whole.empty()) {
                n = static_cast<size_t>(std::min<uint64_t>(whole.size() - pos, kRawBlock));
                st->next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(whole.data() + pos));
            } else {
                ssize_t got;
                do {
                    got = ::pread(f_.fd(), block.data(), block.size(), static_cast<off_t>(pos));
                } while (got < 0 && errno == EINTR);
                if (got <= 0) return false;
                n = static_cast<size_t>(got);
                st->next_in = block.data();
            }
            st->avail_in = static_cast<uint32_t>(n);
            pos += n;
            return n > 0;
        };
        isal_inflate_init(st.get());
        st->crc_flag = ISAL_GZIP;
        for (;;) {
            if (st->avail_in == 0 && !feed()) return;  // a truncated file is read's to report
            if (st->block_state == ISAL_BLOCK_FINISH) {
                while (st->avail_in > 0 && *st->next_in == 0) {
                    ++st->next_in;
                    --st->avail_in;
                }
                if (st->avail_in == 0) continue;
                if (!gzip_member_magic(st->next_in, st->avail_in)) return;  // read's to report
                isal_inflate_reset(st.get());
                st->crc_flag = ISAL_GZIP;
            }
            st->next_out = sink.data();
            st->avail_out = static_cast<uint32_t>(sink.size());
            const int rc = isal_inflate(st.get());
            if (rc < 0)
                throw_input(f_.path() + ": gzip: " + isal_error_text(rc) + " (near byte " +
                            std::to_string(pos - st->avail_in) + ")");
        }
    }

  private:
    // Called only once the inflate took every byte of the last refill (avail_in == 0), so the
    // mapping's pages before the next bytes may go.
    void refill() {
        if (mapped_) {
            const std::string_view v = f_.next_view(kRawBlock);
            if (v.empty()) eof_ = true;
            st_.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(v.data()));
            st_.avail_in = static_cast<uint32_t>(v.size());
            return;
        }
        size_t n = f_.read(in_.data(), in_.size());
        if (n == 0) eof_ = true;
        st_.next_in = in_.data();
        st_.avail_in = static_cast<uint32_t>(n);
    }
    // Deferred checks: the member's header. ISA-L's reader takes a header split across refills
    // (it keeps the part it saw in the state and in header_, hence a member, not a local);
    // false while it needs more input, which it has then taken all of.
    bool read_header() {
        const int rc = isal_read_gzip_header(&st_, &header_);
        if (rc < 0) fail(rc);
        if (rc == ISAL_DECOMP_OK) {
            header_read_ = true;
            return true;
        }
        if (rc != ISAL_END_INPUT) fail(ISAL_INVALID_WRAPPER);  // no other answer is expected
        if (eof_) fail_truncated();
        return false;
    }
    // Deferred checks, once the member's deflate data ended at `member_end` in the stream: its
    // 8-byte trailer, the CRC-32 and then the length mod 2^32, little-endian. ISA-L's bit
    // reader may hold its first bytes already: above the unused bits of the last deflate byte
    // (read_in_length % 8 of them, the low ones), whole bytes, as igzip_inflate.c's own
    // trailer check takes them. The rest comes from the input, across a refill if need be.
    void read_trailer(uint64_t member_end) {
        if (trailer_len_ == 0 && st_.read_in_length >= 8) {
            const uint64_t bits = st_.read_in >> (st_.read_in_length % 8);
            const uint32_t held =
                std::min<uint32_t>(static_cast<uint32_t>(st_.read_in_length) / 8, 8);
            for (uint32_t i = 0; i < held; ++i)
                trailer_[trailer_len_++] = static_cast<uint8_t>(bits >> (8 * i));
        }
        st_.read_in = 0;
        st_.read_in_length = 0;
        while (trailer_len_ < sizeof trailer_ && st_.avail_in > 0) {
            trailer_[trailer_len_++] = *st_.next_in++;
            --st_.avail_in;
        }
        if (trailer_len_ < sizeof trailer_) {
            if (eof_) fail_truncated();
            return;  // the next round refills
        }
        if (load_le32(trailer_ + 4) != static_cast<uint32_t>(st_.total_out))
            fail(ISAL_INCORRECT_CHECKSUM);
        ends_.push_back(MemberEnd{member_end, load_le32(trailer_)});
        trailer_read_ = true;
    }
    // After a member ends: skip trailing zero padding, then either end or decode the next member.
    bool start_next_member() {
        for (;;) {
            while (st_.avail_in > 0 && *st_.next_in == 0) {
                ++st_.next_in;
                --st_.avail_in;
                saw_padding_ = true;
            }
            if (st_.avail_in > 0) break;
            if (eof_) {
                finished_ = true;
                return false;
            }
            refill();
        }
        if (saw_padding_)
            throw_input(f_.path() + ": unexpected data after zero padding in gzip file");
        if (!gzip_member_magic(st_.next_in, st_.avail_in))
            fail_gzip_trailing(f_.path(), f_.done() - st_.avail_in);
        isal_inflate_reset(&st_);
        st_.crc_flag = deferred_ ? ISAL_DEFLATE : ISAL_GZIP;
        isal_gzip_header_init(&header_);
        header_read_ = trailer_read_ = false;
        trailer_len_ = 0;
        return true;
    }
    [[noreturn]] void fail(int rc) {
        throw_input(f_.path() + ": gzip: " + isal_error_text(rc) + " (near byte " +
                    std::to_string(f_.done()) + ")");
    }
    [[noreturn]] void fail_truncated() {
        throw_input(f_.path() + ": truncated gzip stream (unexpected end of file after " +
                    std::to_string(f_.done()) + " bytes)");
    }

    RawFile& f_;
    const bool mapped_;        // the file's bytes come from its mapping, else read() into in_
    std::vector<uint8_t> in_;  // empty when mapped
    inflate_state st_{};
    bool eof_ = false, finished_ = false, saw_padding_ = false;
    // Deferred checks (defer_crc_check): the member's header and trailer are read here.
    bool deferred_ = false, header_read_ = false, trailer_read_ = false;
    isal_gzip_header header_{};
    uint8_t trailer_[8] = {};
    uint32_t trailer_len_ = 0;
    uint64_t out_total_ = 0;       // bytes returned by read() so far
    std::vector<MemberEnd> ends_;  // not yet taken
};

// zlib fallback for machines or builds where ISA-L is not wanted (--zlib): same contract.
class ZlibGzipSource final : public ByteSource {
  public:
    explicit ZlibGzipSource(RawFile& f) : f_(f), in_(kRawBlock) {
        if (inflateInit2(&z_, 15 + 16) != Z_OK) throw Error(ErrorKind::internal, "zlib init");
    }
    ~ZlibGzipSource() override { inflateEnd(&z_); }
    size_t read(char* dst, size_t cap) override {
        size_t produced = 0;
        while (produced < cap && !finished_) {
            if (z_.avail_in == 0 && !eof_) {
                size_t n = f_.read(in_.data(), in_.size());
                eof_ = n == 0;
                z_.next_in = in_.data();
                z_.avail_in = static_cast<uInt>(n);
            }
            if (member_done_) {
                while (z_.avail_in > 0 && *z_.next_in == 0) {
                    ++z_.next_in;
                    --z_.avail_in;
                }
                if (z_.avail_in == 0) {
                    if (eof_) finished_ = true;
                    continue;
                }
                if (!gzip_member_magic(z_.next_in, z_.avail_in))
                    fail_gzip_trailing(f_.path(), f_.done() - z_.avail_in);
                inflateReset(&z_);
                member_done_ = false;
            }
            z_.next_out = reinterpret_cast<Bytef*>(dst + produced);
            z_.avail_out = static_cast<uInt>(cap - produced);
            int rc = inflate(&z_, Z_NO_FLUSH);
            produced = cap - z_.avail_out;
            if (rc == Z_STREAM_END) {
                member_done_ = true;
            } else if (rc == Z_BUF_ERROR && eof_ && z_.avail_in == 0) {
                throw_input(f_.path() + ": truncated gzip stream (unexpected end of file)");
            } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                throw_input(f_.path() + ": gzip: " + (z_.msg ? z_.msg : "corrupt data"));
            }
        }
        return produced;
    }
    uint64_t raw_bytes_read() const override { return f_.done(); }

  private:
    RawFile& f_;
    std::vector<unsigned char> in_;
    z_stream z_{};
    bool eof_ = false, finished_ = false, member_done_ = false;
};

class SingleStreamFile final : public InputFile {
  public:
    SingleStreamFile(std::unique_ptr<RawFile> f, Compression c, bool prefer_zlib)
        : f_(std::move(f)), c_(c) {
        if (c == Compression::gzip && !prefer_zlib)
            src_ = std::make_unique<IsalGzipSource>(*f_);
        else if (c == Compression::gzip)
            src_ = std::make_unique<ZlibGzipSource>(*f_);
        else
            src_ = std::make_unique<PlainSource>(*f_);
    }
    Compression compression() const override { return c_; }
    bool next_stream(InputStreamInfo& info) override {
        if (used_) return false;
        used_ = true;
        info = InputStreamInfo{f_->path(), {}};
        return true;
    }
    ByteSource& source() override { return *src_; }
    std::string sha256() override { return f_->finish_hash(); }
    uint64_t file_size() const override { return f_->size(); }
    bool hashed_by_reader() const override { return c_ == Compression::none; }
    void set_mappable(bool m) { mappable_ = m; }
    std::string_view mapped() override {
        if (!mappable_ || c_ != Compression::none || f_->size() == 0) return {};
        if (!map_) {
            void* p = ::mmap(nullptr, f_->size(), PROT_READ, MAP_PRIVATE, f_->fd(), 0);
            if (p == MAP_FAILED) return {};
            ::madvise(p, f_->size(), MADV_SEQUENTIAL);
            map_ = p;
        }
        return {static_cast<const char*>(map_), f_->size()};
    }
    ~SingleStreamFile() override {
        if (map_) ::munmap(map_, f_->size());
    }

  private:
    std::unique_ptr<RawFile> f_;
    Compression c_;
    bool mappable_ = false;
    void* map_ = nullptr;
    std::unique_ptr<ByteSource> src_;
    bool used_ = false;
};

// A zip member that holds billing rows: a file named *.csv (any case), not hidden and not
// macOS's __MACOSX/ resource forks (which are named ._<file>.csv but hold binary data).
// Anything else (a README, a manifest, a nested archive) is skipped with a warning.
bool is_csv_member(std::string_view name) {
    const size_t slash = name.find_last_of('/');
    const std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
    if (base.empty() || base[0] == '.') return false;
    if (name.rfind("__MACOSX/", 0) == 0) return false;
    if (base.size() < 5) return false;
    std::string ext(base.substr(base.size() - 4));
    for (char& c : ext)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext == ".csv";
}

// ZIP through libarchive, reading the raw file through our hashing descriptor. Members that
// pass is_csv_member are streams; directories and other members are skipped.
class ZipFile final : public InputFile, public ByteSource {
  public:
    // The handle is owned from its creation: an archive libarchive cannot open throws from
    // here, where no destructor of ours runs (a fuzzed "PK\3\6" file leaked it).
    explicit ZipFile(std::unique_ptr<RawFile> f)
        : f_(std::move(f)), buf_(kRawBlock), a_(archive_read_new()) {
        if (!a_) throw_input(f_->path() + ": zip: out of memory");
        archive_read_support_format_zip(a_.get());
        archive_read_support_filter_none(a_.get());
        if (archive_read_open(a_.get(), this, nullptr, &ZipFile::read_cb, nullptr) != ARCHIVE_OK)
            fail("cannot open zip archive");
    }
    Compression compression() const override { return Compression::zip; }
    bool next_stream(InputStreamInfo& info) override {
        archive_entry* e = nullptr;
        for (;;) {
            int rc = archive_read_next_header(a_.get(), &e);
            if (rc == ARCHIVE_EOF) break;
            if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) fail("damaged zip directory");
            if (archive_entry_filetype(e) != AE_IFREG) continue;
            std::string name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
            if (!is_csv_member(name)) {
                log::warn(f_->path() + ": zip member '" + shown_text(name) +
                          "' skipped (not a .csv file)");
                continue;
            }
            ++members_;
            info = InputStreamInfo{f_->path(), name};
            return true;
        }
        if (members_ == 0) throw_input(f_->path() + ": zip archive holds no .csv file");
        return false;
    }
    ByteSource& source() override { return *this; }
    std::string sha256() override { return f_->finish_hash(); }
    uint64_t file_size() const override { return f_->size(); }

    size_t read(char* dst, size_t cap) override {
        la_ssize_t n = archive_read_data(a_.get(), dst, cap);
        if (n < 0) fail("truncated or corrupt zip member");
        return static_cast<size_t>(n);
    }
    uint64_t raw_bytes_read() const override { return f_->done(); }

  private:
    static la_ssize_t read_cb(struct archive*, void* self, const void** out) {
        auto* z = static_cast<ZipFile*>(self);
        try {
            size_t n = z->f_->read(z->buf_.data(), z->buf_.size());
            *out = z->buf_.data();
            return static_cast<la_ssize_t>(n);
        } catch (...) {
            return -1;
        }
    }
    [[noreturn]] void fail(const char* what) {
        const char* detail = archive_error_string(a_.get());
        throw_input(f_->path() + ": zip: " + what +
                    (detail ? " (" + shown_text(detail, 200) + ")" : ""));
    }

    struct ArchiveFree {
        void operator()(archive* a) const { archive_read_free(a); }
    };

    std::unique_ptr<RawFile> f_;
    std::vector<char> buf_;
    std::unique_ptr<archive, ArchiveFree> a_;  // after f_ and buf_, which its reads use
    int members_ = 0;
};

}  // namespace

std::string InputStreamInfo::display_name() const {
    return member.empty() ? path : path + ":" + shown_text(member, 255);
}

const char* compression_name(Compression c) {
    switch (c) {
        case Compression::gzip:
            return "gzip";
        case Compression::zip:
            return "zip";
        default:
            return "none";
    }
}

Compression detect_compression(const unsigned char* h, size_t n) {
    if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b) return Compression::gzip;
    if (n >= 4 && h[0] == 'P' && h[1] == 'K' && (h[2] == 3 || h[2] == 5) &&
        (h[3] == 4 || h[3] == 6))
        return Compression::zip;
    return Compression::none;
}

bool likely_cached(uint64_t size) {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 &&
           static_cast<double>(size) < 0.5 * static_cast<double>(pages) * static_cast<double>(page);
}

std::unique_ptr<InputFile> InputFile::open(const std::string& path, bool prefer_zlib,
                                           StageStats* stats, bool hash) {
    unsigned char head[4] = {0, 0, 0, 0};
    size_t n = 0;
    {
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw_input(path + ": cannot open: " + std::strerror(errno));
        ssize_t r = ::read(fd, head, sizeof head);
        ::close(fd);
        n = r > 0 ? static_cast<size_t>(r) : 0;
    }
    Compression c = detect_compression(head, n);
    // Map an uncompressed file when it is likely cached; read larger ones. Either way the
    // engine hashes an uncompressed file's bytes itself, so the raw reader hashes only
    // compressed files.
    bool map = false;
    if (c == Compression::none) {
        struct stat st {};
        map = ::stat(path.c_str(), &st) == 0 && likely_cached(static_cast<uint64_t>(st.st_size));
    }
    auto raw = std::make_unique<RawFile>(path, hash && c != Compression::none, stats);
    if (c == Compression::zip) return std::make_unique<ZipFile>(std::move(raw));
    auto f = std::make_unique<SingleStreamFile>(std::move(raw), c, prefer_zlib);
    f->set_mappable(map);
    return f;
}

}  // namespace curcrunch::ingest
