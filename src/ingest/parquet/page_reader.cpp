#include "curcrunch/ingest/parquet/page_reader.hpp"

#include <sys/mman.h>
#include <zlib.h>

#include <algorithm>
#include <string>

#include "curcrunch/ingest/parquet/format_error.hpp"

namespace curcrunch::ingest::parquet {

void PageBudget::grow(uint64_t bytes) {
    if (bytes == 0) return;
    if (held_ + bytes > kMaxRowGroupPageBytes)
        fail_format("the row group's pages would hold " + std::to_string((held_ + bytes) >> 20) +
                    " MiB decompressed at once; more than the " +
                    std::to_string(kMaxRowGroupPageBytes >> 20) +
                    " MiB this reader accepts (pages that decompress to far more than they hold, "
                    "or a row group too large: write smaller row groups)");
    if (pool_) pool_->take(this, held_, bytes);
    held_ += bytes;
}

void PageBudget::shrink(uint64_t bytes) noexcept {
    bytes = std::min(held_, bytes);
    held_ -= bytes;
    if (pool_ && bytes) pool_->give(this, bytes, held_);
}

void PagePool::take(const void* who, uint64_t mine, uint64_t bytes) {
    std::unique_lock<std::mutex> lock(mutex_);
    const auto may_go = [&] {
        if (held_ + bytes <= limit_ || overdraft_ == who) return true;
        // Every row group holding pages waits for another: one must go on, and only one.
        if (overdraft_ == nullptr && waiting_holders_ == holders_) {
            overdraft_ = who;
            return true;
        }
        return false;
    };
    if (mine > 0) ++waiting_holders_;
    room_.wait(lock, may_go);
    if (mine > 0) --waiting_holders_;
    if (mine == 0) ++holders_;
    held_ += bytes;
    peak_ = std::max(peak_, held_);
}

void PagePool::give(const void* who, uint64_t bytes, uint64_t left) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        held_ -= std::min(held_, bytes);
        if (left == 0) {
            --holders_;
            if (overdraft_ == who) overdraft_ = nullptr;
        }
    }
    room_.notify_all();
}

uint64_t PagePool::held() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return held_;
}

uint64_t PagePool::peak() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return peak_;
}

PageReader::PageReader(const uint8_t* file, uint64_t file_size, const ColumnMeta& meta,
                       Decompressor& codec, PageBudget* budget)
    : file_(file), codec_(meta.codec), decompressor_(codec), budget_(budget) {
    // parquet-mr 1.8 (AWS's writer) leaves dictionary_page_offset unset and puts the
    // dictionary page at data_page_offset; some writers write 0 for "absent". The chunk starts
    // at the dictionary page only when that offset is set and lies before the first data page.
    uint64_t begin = static_cast<uint64_t>(meta.data_page_offset);
    if (meta.dictionary_page_offset > 0 &&
        static_cast<uint64_t>(meta.dictionary_page_offset) < begin)
        begin = static_cast<uint64_t>(meta.dictionary_page_offset);
    const uint64_t size = static_cast<uint64_t>(meta.total_compressed_size);
    // The data lives between the leading magic and the footer; file_size excludes the footer.
    if (begin < 4 || begin > file_size || size > file_size - begin)
        fail_format("column chunk at offset " + std::to_string(begin) + " of " +
                    std::to_string(size) + " bytes runs past the end of the data (" +
                    std::to_string(file_size) + " bytes before the footer)");
    if (!Decompressor::supported(codec_))
        fail_format(std::string("compression codec ") + codec_name(codec_) + " (" +
                    std::to_string(codec_) + ") is not supported");
    chunk_begin_ = pos_ = begin;
    chunk_end_ = begin + size;
    released_ = begin;
}

bool PageReader::next(Page& page) {
    for (;;) {
        if (pos_ >= chunk_end_) return false;
        if (read_one(page)) return true;  // false: an index page, which holds no data
    }
}

bool PageReader::read_one(Page& page) {
    page = Page{};
    page.index = ++index_;
    page.offset = pos_;
    const uint8_t* at = file_ + pos_;
    const size_t left = static_cast<size_t>(chunk_end_ - pos_);
    page.header = parse_page_header(at, left);
    const PageHeader& h = page.header;
    const size_t body = static_cast<size_t>(h.compressed_size);
    if (body > left - h.header_bytes)
        fail_format("page of " + std::to_string(body) + " bytes at offset " + std::to_string(pos_) +
                    " runs past the end of its column chunk (" +
                    std::to_string(left - h.header_bytes) + " bytes left)");
    if (static_cast<uint64_t>(h.uncompressed_size) > kMaxPageBytes)
        fail_format("page claims " + std::to_string(h.uncompressed_size) +
                    " bytes uncompressed; more than the " + std::to_string(kMaxPageBytes >> 20) +
                    " MiB this reader accepts");
    const uint8_t* src = at + h.header_bytes;
    pos_ += h.header_bytes + body;
    if (h.has_crc) {
        // The CRC covers the page's bytes as stored (compressed), header excluded.
        const uint32_t crc = static_cast<uint32_t>(crc32_z(crc32_z(0, nullptr, 0), src, body));
        if (crc != h.crc)
            fail_format("page CRC mismatch (stored " + std::to_string(h.crc) + ", computed " +
                        std::to_string(crc) + ")");
    }
    const size_t raw = static_cast<size_t>(h.uncompressed_size);
    const PageType type = static_cast<PageType>(h.type);
    if (type == PageType::index) return false;
    if (type != PageType::data && type != PageType::dictionary && type != PageType::data_v2)
        fail_format("unknown page type " + std::to_string(h.type));
    decompressed_ += raw;
    const bool plain = codec_ == static_cast<int32_t>(Codec::uncompressed);
    if (type == PageType::data_v2) {
        const size_t levels = static_cast<size_t>(h.rep_bytes) + static_cast<size_t>(h.def_bytes);
        if (levels > body || levels > raw)
            fail_format("page v2 level sections (" + std::to_string(levels) +
                        " bytes) exceed the page");
        page.rep = src;
        page.rep_size = static_cast<size_t>(h.rep_bytes);
        page.def = src + h.rep_bytes;
        page.def_size = static_cast<size_t>(h.def_bytes);
        const uint8_t* vsrc = src + levels;
        const size_t vbody = body - levels, vraw = raw - levels;
        if (plain || !h.is_compressed) {
            if (vbody != vraw)
                fail_format("uncompressed page v2 sizes disagree (" + std::to_string(vbody) +
                            " stored, " + std::to_string(vraw) + " in the header)");
            page.values = vsrc;
        } else {
            reserve(buf_, vraw);
            decompressor_.decompress(codec_, vsrc, vbody, buf_.data(), vraw);
            page.values = buf_.data();
        }
        page.values_size = vraw;
        return true;
    }
    std::vector<uint8_t>& dst = type == PageType::dictionary ? dict_buf_ : buf_;
    if (plain) {
        if (body != raw)
            fail_format("uncompressed page sizes disagree (" + std::to_string(body) + " stored, " +
                        std::to_string(raw) + " in the header)");
        if (type == PageType::dictionary) {
            reserve(dst, body);
            dst.assign(src, src + body);  // kept for the chunk, beyond the mapping's release
            page.values = dst.data();
        } else {
            page.values = src;
        }
    } else {
        reserve(dst, raw);
        decompressor_.decompress(codec_, src, body, dst.data(), raw);
        page.values = dst.data();
    }
    page.values_size = raw;
    return true;
}

void PageReader::reserve(std::vector<uint8_t>& b, size_t n) {
    if (b.size() >= n) return;
    if (budget_) budget_->grow(n - b.size());  // before the allocation it bounds
    b.resize(n);
}

void PageReader::release_consumed() noexcept {
    const uint64_t page = 4096;
    const uint64_t a = (released_ + page - 1) & ~(page - 1);
    const uint64_t b = pos_ & ~(page - 1);
    if (b > a) {
        ::madvise(const_cast<uint8_t*>(file_) + a, b - a, MADV_DONTNEED);
        released_ = b;
    }
}

}  // namespace curcrunch::ingest::parquet
