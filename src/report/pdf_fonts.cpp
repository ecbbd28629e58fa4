#include "curcrunch/report/pdf_fonts.hpp"

#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <vector>

namespace curcrunch::report {
namespace {

// Sorted by tag, as an sfnt table directory must be.
constexpr std::array<std::string_view, 10> kKept = {"OS/2", "cvt ", "fpgm", "glyf", "head",
                                                    "hhea", "hmtx", "loca", "maxp", "prep"};

uint32_t read32(std::string_view s, size_t at) {
    return static_cast<uint32_t>(static_cast<unsigned char>(s[at])) << 24 |
           static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16 |
           static_cast<uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8 |
           static_cast<uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

void put32(std::string& s, size_t at, uint32_t v) {
    for (int k = 0; k < 4; ++k)
        s[at + k] = static_cast<char>(v >> (24 - 8 * k));
}

void append16(std::string& s, uint16_t v) {
    s += static_cast<char>(v >> 8);
    s += static_cast<char>(v & 0xFF);
}

// The sum of the big-endian 32-bit words of s[from, from + len) padded with zeros to 4 bytes
// (modulo 2^32, as TrueType defines it).
uint32_t checksum(std::string_view s, size_t from, size_t len) {
    uint32_t sum = 0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4)
        sum += read32(s, from + i);
    if (i < len) {
        char tail[4] = {0, 0, 0, 0};
        for (size_t k = 0; i + k < len; ++k)
            tail[k] = s[from + i + k];
        sum += read32(std::string_view(tail, 4), 0);
    }
    return sum;
}

}  // namespace

std::string slim_truetype(std::string_view font) {
    if (font.size() < 12) return "";
    const size_t tables =
        static_cast<unsigned char>(font[4]) << 8 | static_cast<unsigned char>(font[5]);
    if (font.size() < 12 + 16 * tables) return "";
    struct Table {
        std::string_view tag;
        size_t offset, length;
    };
    std::vector<Table> kept;
    for (size_t i = 0; i < tables; ++i) {
        const size_t rec = 12 + 16 * i;
        const std::string_view tag = font.substr(rec, 4);
        const uint64_t offset = read32(font, rec + 8), length = read32(font, rec + 12);
        if (offset + length > font.size()) return "";
        if (std::find(kKept.begin(), kKept.end(), tag) != kKept.end())
            kept.push_back({tag, static_cast<size_t>(offset), static_cast<size_t>(length)});
    }
    std::sort(kept.begin(), kept.end(),
              [](const Table& a, const Table& b) { return a.tag < b.tag; });
    const auto head =
        std::find_if(kept.begin(), kept.end(), [](const Table& t) { return t.tag == "head"; });
    if (head == kept.end() || head->length < 12) return "";

    const uint16_t n = static_cast<uint16_t>(kept.size());
    uint16_t power = 1, log2 = 0;
    while (power * 2 <= n) {
        power *= 2;
        ++log2;
    }
    std::string out(font.substr(0, 4));  // the sfnt version
    append16(out, n);
    append16(out, static_cast<uint16_t>(power * 16));
    append16(out, log2);
    append16(out, static_cast<uint16_t>(n * 16 - power * 16));
    const size_t directory = out.size();
    out.resize(directory + 16 * kept.size());
    size_t head_at = 0;
    for (size_t i = 0; i < kept.size(); ++i) {
        const Table& t = kept[i];
        const size_t at = out.size();
        out.append(font.substr(t.offset, t.length));
        out.append((4 - t.length % 4) % 4, '\0');
        if (t.tag == "head") {
            head_at = at;
            put32(out, at + 8, 0);  // checkSumAdjustment counts as 0 in every checksum
        }
        const size_t rec = directory + 16 * i;
        out.replace(rec, 4, t.tag);
        put32(out, rec + 4, checksum(out, at, t.length));
        put32(out, rec + 8, static_cast<uint32_t>(at));
        put32(out, rec + 12, static_cast<uint32_t>(t.length));
    }
    put32(out, head_at + 8, 0xB1B0AFBAu - checksum(out, 0, out.size()));
    return out;
}

void slim_embedded_fonts(QPDF& q) {
    std::set<QPDFObjGen> done;
    for (QPDFObjectHandle o : q.getAllObjects()) {
        if (!o.isDictionary() || !o.getKey("/Type").isNameAndEquals("/FontDescriptor")) continue;
        QPDFObjectHandle file = o.getKey("/FontFile2");
        if (!file.isStream() || !done.insert(file.getObjGen()).second) continue;
        std::shared_ptr<Buffer> data = file.getStreamData(qpdf_dl_generalized);
        const std::string slim = slim_truetype(
            std::string_view(reinterpret_cast<const char*>(data->getBuffer()), data->getSize()));
        if (slim.empty()) continue;
        file.replaceStreamData(slim, QPDFObjectHandle::newNull(), QPDFObjectHandle::newNull());
        file.getDict().replaceKey(
            "/Length1", QPDFObjectHandle::newInteger(static_cast<long long>(slim.size())));
    }
}

}  // namespace curcrunch::report
