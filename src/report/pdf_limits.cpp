#include "curcrunch/report/pdf_limits.hpp"

#include "curcrunch/report/bounded_sink.hpp"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjGen.hh>
#include <qpdf/QPDFXRefEntry.hh>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <vector>

namespace curcrunch::report {
namespace {

bool is_space(unsigned char c) {
    return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}
bool is_delimiter(unsigned char c) {
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
           c == '}' || c == '/' || c == '%';
}

// Counts the tokens of one PDF object starting at `pos` in `s`, as qpdf's parser would meet
// them (PDF 32000-1 §7.2, §7.3): it stops after one complete value (`one_value`: inside an
// object stream) or at the "endobj" or "stream" keyword (a plainly stored object, whose
// "N G obj" header it counts too), at the end of `s`, or at the first limit passed.
struct ObjectLexer {
    std::string_view s;
    size_t max_tokens, max_string;
    size_t tokens = 0, longest_string = 0;
    bool over = false;

    void count(size_t string_bytes = 0) {
        ++tokens;
        if (string_bytes > longest_string) longest_string = string_bytes;
        if (tokens > max_tokens || longest_string > max_string) over = true;
    }
    // Past a literal string starting at s[i] == '(' (nested parentheses, backslash escapes);
    // a string over the limit ends the scan there.
    size_t literal_string(size_t i) {
        size_t depth = 0, n = 0;
        for (; i < s.size() && n <= max_string; ++i, ++n) {
            const char c = s[i];
            if (c == '\\') {
                ++i;
            } else if (c == '(') {
                ++depth;
            } else if (c == ')' && --depth == 0) {
                count(n);
                return i + 1;
            }
        }
        count(n);
        return i;
    }
    // Returns where the scan stopped.
    size_t run(size_t pos, bool one_value) {
        int depth = 0;
        size_t i = pos;
        while (i < s.size() && !over) {
            if (done) return i;
            const unsigned char c = static_cast<unsigned char>(s[i]);
            if (is_space(c)) {
                ++i;
            } else if (c == '%') {
                while (i < s.size() && s[i] != '\n' && s[i] != '\r')
                    ++i;
            } else if (c == '(') {
                i = literal_string(i);
                done = one_value && depth <= 0;
            } else if (c == '<' && i + 1 < s.size() && s[i + 1] == '<') {
                count();
                ++depth;
                i += 2;
            } else if (c == '>' && i + 1 < s.size() && s[i + 1] == '>') {
                count();
                i += 2;
                done = --depth <= 0 && one_value;
            } else if (c == '<') {
                size_t j = i + 1;
                while (j < s.size() && s[j] != '>' && j - i <= 2 * max_string + 2)
                    ++j;
                count((j - i) / 2);
                i = j < s.size() ? j + 1 : j;
                done = one_value && depth <= 0;
            } else if (c == '[' || c == '{') {
                count();
                ++depth;
                ++i;
            } else if (c == ']' || c == '}') {
                count();
                ++i;
                done = --depth <= 0 && one_value;
            } else {
                // A name, number or keyword: up to the next space or delimiter.
                size_t j = i + 1;
                while (j < s.size() && j - i <= max_string &&
                       !is_space(static_cast<unsigned char>(s[j])) &&
                       !is_delimiter(static_cast<unsigned char>(s[j])))
                    ++j;
                const std::string_view word = s.substr(i, j - i);
                count(j - i);
                i = j;
                done = depth <= 0 && (one_value || word == "endobj" || word == "stream");
            }
        }
        return i;
    }
    bool done = false;
};

// The integer after `key` (e.g. "/Size") within s[from, to), or -1.
long long integer_after(std::string_view s, size_t from, size_t to, std::string_view key) {
    const size_t at = s.substr(0, to).find(key, from);
    if (at == std::string_view::npos) return -1;
    size_t i = at + key.size();
    while (i < to && is_space(static_cast<unsigned char>(s[i])))
        ++i;
    long long v = 0;
    size_t digits = 0;
    for (; i < to && s[i] >= '0' && s[i] <= '9' && digits < 12; ++i, ++digits)
        v = v * 10 + (s[i] - '0');
    return digits ? v : -1;
}

std::string object_name(QPDFObjGen og) {
    return "object " + std::to_string(og.getObj());
}

}  // namespace

std::optional<size_t> declared_pdf_objects(std::string_view bytes) {
    // startxref <offset> near the end, then each cross-reference section back through /Prev.
    const size_t tail = bytes.size() > 2048 ? bytes.size() - 2048 : 0;
    const size_t sx = bytes.rfind("startxref");
    if (sx == std::string_view::npos || sx < tail) return std::nullopt;
    long long off = integer_after(bytes, sx, bytes.size(), "startxref");
    size_t total = 0;
    for (int hop = 0; hop < 64 && off >= 0 && static_cast<size_t>(off) < bytes.size(); ++hop) {
        const size_t at = static_cast<size_t>(off);
        const size_t window_end = std::min(bytes.size(), at + 4096);
        if (bytes.substr(at, 4) == "xref") {
            // A table: subsections "first count" followed by count 20-byte entries.
            size_t i = at + 4;
            for (;;) {
                while (i < bytes.size() && is_space(static_cast<unsigned char>(bytes[i])))
                    ++i;
                char* end = nullptr;
                const char* p = bytes.data() + i;
                if (i >= bytes.size() || bytes[i] < '0' || bytes[i] > '9') break;
                std::strtoull(p, &end, 10);
                const char* q = end;
                while (q < bytes.data() + bytes.size() && (*q == ' ' || *q == '\t'))
                    ++q;
                if (q >= bytes.data() + bytes.size() || *q < '0' || *q > '9') break;
                const unsigned long long count = std::strtoull(q, &end, 10);
                total += static_cast<size_t>(count);
                if (count > bytes.size() / 20 + 1) return total;  // cannot be there: stop
                i = static_cast<size_t>(end - bytes.data()) + static_cast<size_t>(count) * 20;
            }
            const size_t tr = bytes.find("trailer", i);
            if (tr == std::string_view::npos) break;
            off = integer_after(bytes, tr, std::min(bytes.size(), tr + 4096), "/Prev");
        } else {
            // A cross-reference stream: its dictionary's /Size.
            const long long size = integer_after(bytes, at, window_end, "/Size");
            if (size > 0) total += static_cast<size_t>(size);
            off = integer_after(bytes, at, window_end, "/Prev");
        }
    }
    return total;
}

std::optional<std::string> pdf_objects_over_limits(QPDF& q, std::string_view bytes,
                                                   const PdfObjectLimits& lim) {
    const std::map<QPDFObjGen, QPDFXRefEntry> xref = q.getXRefTable();
    if (xref.size() > lim.max_objects)
        return std::to_string(xref.size()) + " objects; at most " +
               std::to_string(lim.max_objects) + " are read";
    size_t total = 0, scanned = 0;
    // Objects may overlap (an xref can point anywhere): the bytes scanned in all are bounded
    // too, so the check itself stays linear.
    const size_t max_scanned = 4 * bytes.size() + (size_t(64) << 20);
    auto measure = [&](std::string_view s, size_t pos, bool one_value,
                       QPDFObjGen og) -> std::optional<std::string> {
        ObjectLexer lx{s, lim.max_object_tokens, lim.max_string_bytes};
        scanned += lx.run(pos, one_value) - pos;
        total += lx.tokens;
        if (scanned > max_scanned) return std::string("its objects overlap (damaged or hostile)");
        if (lx.longest_string > lim.max_string_bytes)
            return object_name(og) + " holds a string longer than " +
                   std::to_string(lim.max_string_bytes >> 10) + " KiB";
        if (lx.over)
            return object_name(og) + " has more than " + std::to_string(lim.max_object_tokens) +
                   " parts";
        if (total > lim.max_total_tokens)
            return "its objects have more than " + std::to_string(lim.max_total_tokens) +
                   " parts together";
        return std::nullopt;
    };
    // Objects stored plainly, and which object streams hold the others.
    std::map<int, std::vector<std::pair<int, QPDFObjGen>>> in_streams;  // stream -> (index, og)
    for (const auto& [og, e] : xref) {
        if (e.getType() == 1) {
            const auto off = e.getOffset();
            if (off < 0 || static_cast<size_t>(off) >= bytes.size()) continue;  // qpdf refuses
            if (auto why = measure(bytes, static_cast<size_t>(off), false, og)) return why;
        } else if (e.getType() == 2) {
            in_streams[e.getObjStreamNumber()].emplace_back(e.getObjStreamIndex(), og);
        }
    }
    // Each object stream: its dictionary was measured above (it is stored plainly); decode its
    // data with a bound, then measure each object it holds at the offset its header gives.
    for (const auto& [stream, members] : in_streams) {
        QPDFObjectHandle h = q.getObject(stream, 0);
        if (!h.isStream()) continue;  // qpdf reports the damage when the member is used
        BoundedSink sink(lim.max_object_stream_bytes);
        try {
            h.pipeStreamData(&sink, 0, qpdf_dl_generalized);
        } catch (const std::length_error&) {
            return object_name(QPDFObjGen(stream, 0)) +
                   " (an object stream) decodes to more than " +
                   std::to_string(lim.max_object_stream_bytes >> 20) + " MiB";
        }
        const std::string& data = sink.data();
        QPDFObjectHandle dict = h.getDict();
        QPDFObjectHandle n_obj = dict.getKey("/N"), first_obj = dict.getKey("/First");
        if (!n_obj.isInteger() || !first_obj.isInteger()) continue;
        const long long n = n_obj.getIntValue(), first = first_obj.getIntValue();
        if (n < 0 || first < 0 || static_cast<size_t>(first) > data.size()) continue;
        if (static_cast<size_t>(n) > lim.max_objects)
            return object_name(QPDFObjGen(stream, 0)) + " (an object stream) lists " +
                   std::to_string(n) + " objects";
        // The header: n pairs "object-number offset" of plain integers.
        std::vector<size_t> offsets;
        const char* p = data.data();
        const char* end = data.data() + first;
        for (long long k = 0; k < 2 * n && p < end; ++k) {
            char* after = nullptr;
            const unsigned long long v = std::strtoull(p, &after, 10);
            if (after == p) break;
            if (k % 2 == 1) offsets.push_back(static_cast<size_t>(v));
            p = after;
        }
        total += offsets.size() * 2;
        for (const auto& [index, og] : members) {
            if (index < 0 || static_cast<size_t>(index) >= offsets.size()) continue;
            const size_t at = static_cast<size_t>(first) + offsets[static_cast<size_t>(index)];
            if (at >= data.size()) continue;
            if (auto why = measure(data, at, true, og)) return why;
        }
    }
    return std::nullopt;
}

}  // namespace curcrunch::report
