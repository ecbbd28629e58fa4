#include "curcrunch/gen/parquet_encoding.hpp"

namespace curcrunch::gen {

void CompactWriter::varint(uint64_t v) {
    while (v >= 0x80) {
        out_ += static_cast<char>((v & 0x7f) | 0x80);
        v >>= 7;
    }
    out_ += static_cast<char>(v);
}

void CompactWriter::header(int16_t id, uint8_t type) {
    const int delta = id - last_.back();
    if (delta > 0 && delta <= 15) {
        out_ += static_cast<char>((delta << 4) | type);
    } else {
        out_ += static_cast<char>(type);
        varint(zigzag(id));
    }
    last_.back() = id;
}

void CompactWriter::binary(int16_t id, std::string_view s) {
    header(id, kBinary);
    varint(s.size());
    out_.append(s);
}

void CompactWriter::list(int16_t id, Type elem, size_t n) {
    header(id, kList);
    if (n < 15) {
        out_ += static_cast<char>((n << 4) | elem);
    } else {
        out_ += static_cast<char>(0xf0 | elem);
        varint(n);
    }
}

unsigned bit_width_of(uint32_t max) {
    unsigned w = 0;
    while (w < 32 && (max >> w) != 0)
        ++w;
    return w;
}

namespace {

void put_uleb(uint64_t v, std::string& out) {
    while (v >= 0x80) {
        out += static_cast<char>((v & 0x7f) | 0x80);
        v >>= 7;
    }
    out += static_cast<char>(v);
}

// One bit-packed run of values[0, n), n a multiple of 8.
void put_packed(const uint32_t* values, size_t n, unsigned width, std::string& out) {
    if (n == 0) return;
    put_uleb(((n / 8) << 1) | 1, out);
    uint64_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < n; ++i) {
        acc |= static_cast<uint64_t>(values[i]) << bits;
        bits += width;
        while (bits >= 8) {
            out += static_cast<char>(acc & 0xff);
            acc >>= 8;
            bits -= 8;
        }
    }
    // n * width is a multiple of 8: nothing is left in acc.
}

void put_repeated(uint32_t value, size_t count, unsigned width, std::string& out) {
    put_uleb(static_cast<uint64_t>(count) << 1, out);
    for (unsigned b = 0; b < (width + 7) / 8; ++b)
        out += static_cast<char>((value >> (8 * b)) & 0xff);
}

}  // namespace

void encode_rle_hybrid(const uint32_t* values, size_t n, unsigned width, std::string& out) {
    std::vector<uint32_t> literal;  // values waiting for a bit-packed run
    size_t i = 0;
    while (i < n) {
        size_t j = i + 1;
        while (j < n && values[j] == values[i])
            ++j;
        const size_t same = j - i;
        if (same >= 8 && literal.size() % 8 == 0) {
            put_packed(literal.data(), literal.size(), width, out);
            literal.clear();
            put_repeated(values[i], same, width, out);
            i = j;
        } else if (same >= 8) {
            // Complete the literal group of 8 from the run, then the run can start.
            const size_t take = 8 - literal.size() % 8;
            literal.insert(literal.end(), take, values[i]);
            i += take;
        } else {
            literal.insert(literal.end(), values + i, values + j);
            i = j;
        }
    }
    literal.resize((literal.size() + 7) / 8 * 8, 0);
    put_packed(literal.data(), literal.size(), width, out);
}

}  // namespace curcrunch::gen
