#include "curcrunch/ingest/parquet/thrift_compact.hpp"

#include <cstring>
#include <string>

#include "curcrunch/ingest/parquet/format_error.hpp"

namespace curcrunch::ingest::parquet {

uint8_t CompactReader::read_byte() {
    if (p_ >= end_) fail_format("metadata ends early (truncated Thrift structure)");
    return *p_++;
}

// ULEB128; a varint of more than 10 bytes cannot encode a 64-bit value.
uint64_t CompactReader::read_varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        const uint8_t b = read_byte();
        v |= static_cast<uint64_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) return v;
    }
    fail_format("metadata holds an overlong varint");
}

void CompactReader::enter() {
    if (++depth_ > kMaxDepth)
        fail_format("metadata nests deeper than " + std::to_string(kMaxDepth) + " levels");
}

void CompactReader::begin_struct() {
    enter();
    saved_ids_[depth_] = last_id_;
    last_id_ = 0;
}

void CompactReader::end_struct() {
    last_id_ = saved_ids_[depth_];
    --depth_;
}

bool CompactReader::next_field(FieldHeader& f) {
    const uint8_t b = read_byte();
    if (b == 0) return false;
    const uint8_t type = b & 0x0f;
    const uint8_t delta = b >> 4;
    if (type > static_cast<uint8_t>(TType::structure))
        fail_format("metadata holds an unknown Thrift type " + std::to_string(type));
    if (delta != 0) {
        f.id = static_cast<int16_t>(last_id_ + delta);
    } else {
        const uint64_t z = read_varint();
        f.id = static_cast<int16_t>((z >> 1) ^ (~(z & 1) + 1));
    }
    f.type = static_cast<TType>(type);
    last_id_ = f.id;
    return true;
}

bool CompactReader::read_bool(const FieldHeader& f) {
    return f.type == TType::bool_true;
}

int64_t CompactReader::read_i64() {
    const uint64_t z = read_varint();
    return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
}

int32_t CompactReader::read_i32() {
    const int64_t v = read_i64();
    if (v < INT32_MIN || v > INT32_MAX) fail_format("metadata i32 value out of range");
    return static_cast<int32_t>(v);
}

int8_t CompactReader::read_i8() {
    return static_cast<int8_t>(read_byte());
}

double CompactReader::read_double() {
    if (remaining() < 8) fail_format("metadata ends early (truncated double)");
    double d;
    std::memcpy(&d, p_, 8);  // little-endian on every platform we build for
    p_ += 8;
    return d;
}

std::string_view CompactReader::read_binary() {
    const uint64_t n = read_varint();
    if (n > remaining())
        fail_format("metadata string of " + std::to_string(n) + " bytes runs past the end (" +
                    std::to_string(remaining()) + " bytes left)");
    std::string_view v(reinterpret_cast<const char*>(p_), static_cast<size_t>(n));
    p_ += n;
    return v;
}

ListHeader CompactReader::read_list() {
    const uint8_t b = read_byte();
    ListHeader h;
    uint64_t size = b >> 4;
    if (size == 15) size = read_varint();
    const uint8_t type = b & 0x0f;
    if (type > static_cast<uint8_t>(TType::structure) || type == 0)
        fail_format("metadata list has an unknown element type " + std::to_string(type));
    // Every element takes at least one byte, so a larger count is damage, not data; this is
    // what keeps a hostile count from sizing any allocation.
    if (size > remaining())
        fail_format("metadata list claims " + std::to_string(size) + " elements but only " +
                    std::to_string(remaining()) + " bytes remain");
    h.size = static_cast<uint32_t>(size);
    h.elem = static_cast<TType>(type);
    enter();
    return h;
}

bool CompactReader::read_list_bool() {
    return read_byte() == 1;
}

void CompactReader::skip(TType t) {
    switch (t) {
        case TType::bool_true:
        case TType::bool_false:
            return;  // the value is in the field header
        case TType::i8:
            read_byte();
            return;
        case TType::i16:
        case TType::i32:
        case TType::i64:
            read_varint();
            return;
        case TType::dbl:
            read_double();
            return;
        case TType::binary:
            read_binary();
            return;
        case TType::list:
        case TType::set: {
            ListHeader h = read_list();
            for (uint32_t i = 0; i < h.size; ++i) {
                if (h.elem == TType::bool_true || h.elem == TType::bool_false)
                    read_byte();
                else
                    skip(h.elem);
            }
            end_list();
            return;
        }
        case TType::map: {
            const uint64_t n = read_varint();
            if (n == 0) return;
            if (n > remaining()) fail_format("metadata map claims more entries than bytes left");
            const uint8_t kv = read_byte();
            const TType kt = static_cast<TType>(kv >> 4), vt = static_cast<TType>(kv & 0x0f);
            if ((kv >> 4) > 12 || (kv & 0x0f) > 12 || (kv >> 4) == 0 || (kv & 0x0f) == 0)
                fail_format("metadata map has an unknown key or value type");
            enter();
            for (uint64_t i = 0; i < n; ++i) {
                for (TType x : {kt, vt}) {
                    if (x == TType::bool_true || x == TType::bool_false)
                        read_byte();
                    else
                        skip(x);
                }
            }
            --depth_;
            return;
        }
        case TType::structure: {
            begin_struct();
            FieldHeader f;
            while (next_field(f))
                skip(f.type);
            end_struct();
            return;
        }
        case TType::stop:
            break;
    }
    fail_format("metadata holds an unknown Thrift type");
}

}  // namespace curcrunch::ingest::parquet
