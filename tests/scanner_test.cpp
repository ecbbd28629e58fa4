#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "curcrunch/ingest/chunk_scanner.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch::ingest;

namespace {

struct Row {
    uint64_t line;
    uint32_t fields;
    std::vector<std::string> values;  // raw spans of the requested columns
    bool operator==(const Row&) const = default;
};

using Kind = QuoteProblem::Kind;

struct Scan {
    std::vector<Row> rows;
    // The batch's quote problem: what, the offending quote's line and field, and the quoted
    // field it is in.
    Kind problem = Kind::none;
    uint64_t line = 0, open_line = 0;
    uint32_t field = 0, open_field = 0;
    bool operator==(const Scan&) const = default;
};

// One kernel's scan of `text` (padded as the engine pads) asking for columns `wanted`, with a
// small batch so the batch-full resume path runs too. Spans are read only for records of the
// header's width (the decoder rejects the others before reading any).
Scan scan_with(ScanKernel kernel, const std::string& text, uint32_t columns,
               const std::vector<int>& wanted, char delim, bool quoting, size_t batch_rows) {
    std::vector<int32_t> slot_of(columns, -1);
    for (size_t i = 0; i < wanted.size(); ++i)
        slot_of[static_cast<size_t>(wanted[i])] = static_cast<int32_t>(i);
    std::string buf = text + std::string(kScanPadding, 'x');  // garbage padding must not matter
    std::vector<NeededColumn> needed = needed_columns(slot_of.data(), columns);
    ScanConfig cfg{needed.data(), static_cast<uint32_t>(needed.size()), columns, delim, quoting};
    ScanBatch batch(wanted.size(), batch_rows);
    ScanCursor cur{0, 1};
    Scan out;
    bool more = true;
    while (more) {
        more = scan_chunk(kernel, cfg, buf.data(), text.size(), cur, batch);
        for (size_t r = 0; r < batch.rows; ++r) {
            Row row{batch.meta[r].line, batch.meta[r].fields, {}};
            for (size_t s = 0; s < wanted.size(); ++s) {
                const FieldSpan& f = batch.row(r)[s];
                row.values.push_back(row.fields == columns ? buf.substr(f.begin, f.end - f.begin)
                                                           : "<other width>");
            }
            out.rows.push_back(row);
        }
        const QuoteProblem& qp = batch.quote_problem;
        if (qp.kind != Kind::none) {
            EXPECT_FALSE(more) << "the scan goes on past a quote problem";
            out.problem = qp.kind;
            out.line = qp.line;
            out.field = qp.field;
            if (qp.kind != Kind::quote_in_unquoted) {
                out.open_line = qp.open_line;
                out.open_field = qp.open_field;
            }
        }
    }
    return out;
}

// Scans with every kernel this CPU has; they must agree exactly. Returns the scan.
Scan scan(const std::string& text, uint32_t columns, std::vector<int> wanted, char delim = ',',
          bool quoting = true, size_t batch_rows = 2) {
    const std::vector<ScanKernel> kernels = available_scan_kernels();
    Scan first = scan_with(kernels[0], text, columns, wanted, delim, quoting, batch_rows);
    for (size_t k = 1; k < kernels.size(); ++k)
        EXPECT_TRUE(scan_with(kernels[k], text, columns, wanted, delim, quoting, batch_rows) ==
                    first)
            << scan_kernel_name(kernels[k]) << " differs from " << scan_kernel_name(kernels[0]);
    return first;
}

}  // namespace

TEST(Scanner, SplitsSimpleRows) {
    Scan s = scan("a,b,c\nd,e,f\n", 3, {0, 2});
    ASSERT_EQ(s.rows.size(), 2u);
    EXPECT_EQ(s.rows[0].values, (std::vector<std::string>{"a", "c"}));
    EXPECT_EQ(s.rows[1].values, (std::vector<std::string>{"d", "f"}));
    EXPECT_EQ(s.rows[1].line, 2u);
    EXPECT_EQ(s.rows[1].fields, 3u);
}

TEST(Scanner, QuotedDelimitersNewlinesAndDoubledQuotes) {
    std::string t =
        "1,\"USD 0.0 per Linux/UNIX (Amazon VPC), c5.large\",x\n"
        "2,\"multi\nline\nvalue\",y\n"
        "3,\"say \"\"hi\"\"\",z\n"
        "4,\"{\"\"team\"\":\"\"web\"\"}\",w\n";
    Scan s = scan(t, 3, {0, 1, 2});
    ASSERT_EQ(s.rows.size(), 4u);
    EXPECT_EQ(s.rows[0].values[1], "\"USD 0.0 per Linux/UNIX (Amazon VPC), c5.large\"");
    EXPECT_EQ(s.rows[1].values[1], "\"multi\nline\nvalue\"");
    EXPECT_EQ(s.rows[1].values[2], "y");
    EXPECT_EQ(s.rows[2].values[1], "\"say \"\"hi\"\"\"");
    EXPECT_EQ(s.rows[3].values[1], "\"{\"\"team\"\":\"\"web\"\"}\"");
    // Physical lines: the quoted newlines push later rows down.
    EXPECT_EQ(s.rows[0].line, 1u);
    EXPECT_EQ(s.rows[1].line, 2u);
    EXPECT_EQ(s.rows[2].line, 5u);
    EXPECT_EQ(s.rows[3].line, 6u);
}

TEST(Scanner, CrlfEmptyFieldsAndMissingFinalNewline) {
    Scan s = scan("a,,c\r\n,,\r\nx,y,z", 3, {0, 1, 2});
    ASSERT_EQ(s.rows.size(), 3u);
    EXPECT_EQ(s.rows[0].values, (std::vector<std::string>{"a", "", "c"}));
    EXPECT_EQ(s.rows[1].values, (std::vector<std::string>{"", "", ""}));
    EXPECT_EQ(s.rows[2].values, (std::vector<std::string>{"x", "y", "z"}));
    EXPECT_EQ(s.rows[2].line, 3u);
}

TEST(Scanner, SkipsBlankLinesButCountsThem) {
    Scan s = scan("a,b\n\n\r\nc,d\n", 2, {1});
    ASSERT_EQ(s.rows.size(), 2u);
    EXPECT_EQ(s.rows[1].values[0], "d");
    EXPECT_EQ(s.rows[1].line, 4u);
}

TEST(Scanner, ReportsFieldCounts) {
    Scan s = scan("a,b,c\na,b\na,b,c,d\n", 3, {0, 2});
    ASSERT_EQ(s.rows.size(), 3u);
    EXPECT_EQ(s.rows[0].fields, 3u);
    EXPECT_EQ(s.rows[1].fields, 2u);
    EXPECT_EQ(s.rows[2].fields, 4u);
}

TEST(Scanner, UnterminatedQuoteAtEnd) {
    Scan s = scan("a,b\nc,\"never closed\nmore\n", 2, {0, 1});
    ASSERT_EQ(s.rows.size(), 1u);
    EXPECT_EQ(s.problem, Kind::unterminated);
    EXPECT_EQ(s.open_line, 2u);
    EXPECT_EQ(s.open_field, 1u);
}

TEST(Scanner, WideRowsCrossManyWindows) {
    // 300 columns of varying width so fields straddle 64-byte windows in every position.
    std::string row, expect_last;
    for (int c = 0; c < 300; ++c) {
        std::string v(static_cast<size_t>(c % 7), static_cast<char>('a' + c % 26));
        if (c % 11 == 0) v = "\"q," + v + "\"";
        row += (c ? "," : "") + v;
        if (c == 299) expect_last = v;
    }
    std::string text;
    for (int r = 0; r < 50; ++r)
        text += row + "\n";
    Scan s = scan(text, 300, {0, 150, 299}, ',', true, 7);
    ASSERT_EQ(s.rows.size(), 50u);
    for (const Row& r : s.rows) {
        EXPECT_EQ(r.fields, 300u);
        EXPECT_EQ(r.values[0], "\"q,\"");
        EXPECT_EQ(r.values[2], expect_last);
    }
    EXPECT_EQ(s.rows[49].line, 50u);
}

// Windows made only of delimiters: every bit of a 64-bit mask set, so the kernels' position
// writers fill every entry of their blocks, and a pass ends in the middle of such a window.
TEST(Scanner, WindowsOfNothingButDelimiters) {
    const uint32_t cols = 200;
    const std::string empty_row(cols - 1, ',');
    std::string valued = "v0";
    for (uint32_t c = 1; c < cols; ++c)
        valued += c % 67 == 0 ? ",v" + std::to_string(c) : ",";
    const std::string over_a_pass(kStopsPerPass + 100, ',');
    const std::string text =
        empty_row + "\n" + valued + "\n" + over_a_pass + "\n" + empty_row + "\n" + valued;
    for (size_t batch_rows : {1, 3, 1024}) {
        Scan s = scan(text, cols, {0, 67, 134, 199}, ',', true, batch_rows);
        ASSERT_EQ(s.rows.size(), 5u) << batch_rows;
        const std::vector<uint32_t> fields{cols, cols, kStopsPerPass + 101, cols, cols};
        for (size_t r = 0; r < 5; ++r) {
            EXPECT_EQ(s.rows[r].line, r + 1) << r;
            EXPECT_EQ(s.rows[r].fields, fields[r]) << r;
        }
        for (size_t r : {0, 3})
            EXPECT_EQ(s.rows[r].values, (std::vector<std::string>{"", "", "", ""})) << r;
        for (size_t r : {1, 4})
            EXPECT_EQ(s.rows[r].values, (std::vector<std::string>{"v0", "v67", "v134", ""})) << r;
    }
}

// A window's count of delimiters at each step of the position writers (16 entries a store, the
// VBMI2 kernel's branch past 16): a 64-byte window holding k commas, each field named by its
// column, every column read, and each kernel held to the naive split.
TEST(Scanner, WindowsAtEachPositionWriterStep) {
    for (uint32_t k : {1u, 15u, 16u, 17u, 31u, 32u, 33u, 47u, 48u, 49u, 63u}) {
        // k commas in the first 64 bytes: fields of one byte ('a' + column % 26) while there is
        // room, empty ones after them, then a last field filling the window and running past it.
        std::string text;
        std::vector<std::string> fields;
        for (uint32_t c = 0; c < k; ++c) {
            const bool empty = c + k >= 63;  // k commas and these bytes stay within 63 bytes
            fields.push_back(empty ? "" : std::string(1, static_cast<char>('a' + c % 26)));
        }
        size_t used = k;  // the commas
        for (const std::string& f : fields)
            used += f.size();
        ASSERT_LE(used, 64u) << k;
        fields.push_back(std::string(64 - used + 5, 'z'));  // the window's rest and beyond it
        for (size_t c = 0; c < fields.size(); ++c)
            text += (c ? "," : "") + fields[c];
        ASSERT_EQ(std::count(text.begin(), text.begin() + 64, ','), static_cast<long>(k));
        text += "\nend" + std::string(k, ',') + "\n";
        std::vector<int> wanted;
        for (uint32_t c = 0; c <= k; ++c)
            wanted.push_back(static_cast<int>(c));
        Scan s = scan(text, k + 1, wanted, ',', true, 1024);
        ASSERT_EQ(s.rows.size(), 2u) << k;
        EXPECT_EQ(s.rows[0].values, fields) << k;
        std::vector<std::string> second(k + 1, "");
        second[0] = "end";
        EXPECT_EQ(s.rows[1].values, second) << k;
    }
}

TEST(Scanner, HiveTextHasNoQuoting) {
    std::string t =
        "a\x01\"b\x01"
        "c\nd\x01"
        "e\x01"
        "f\n";
    Scan s = scan(t, 3, {1}, '\x01', false);
    ASSERT_EQ(s.rows.size(), 2u);
    EXPECT_EQ(s.rows[0].values[0], "\"b");
    EXPECT_EQ(s.rows[1].values[0], "e");
}

TEST(Scanner, RecordBoundaryRespectsQuotes) {
    std::string t = "a,\"x\ny\",b\nc,\"p\nq";  // the last record is incomplete, inside quotes
    std::string buf = t + std::string(kScanPadding, '\0');
    const ByteCounts c = count_quotes_newlines(buf.data(), t.size());
    EXPECT_EQ(c.quotes, 3u);
    EXPECT_EQ(c.newlines, 3u);
    EXPECT_EQ(c.non_ascii, 0u);
    EXPECT_EQ(find_record_boundary(buf.data(), t.size(), true, c.quotes), t.find(",b\n") + 3);
    EXPECT_EQ(find_record_boundary(buf.data(), 5, true, 1),
              0u);  // "a,\"x\n": newline inside quotes
}

// Every kernel counts what a byte-by-byte count finds, at every length and alignment; bytes past
// the length (real bytes of a mapped file, not padding) are never counted. A chunk the count
// finds no byte >= 0x80 in is not validated as UTF-8 again, so a missed one would let invalid
// text through.
TEST(Scanner, CountsMatchAByteByByteCount) {
    std::mt19937_64 rng(20261203);
    const std::string alphabet = "ab,\"\n\x7f\x80\xc3\xa9\xff";
    for (int round = 0; round < 300; ++round) {
        std::string t(static_cast<size_t>(rng() % 300), 'x');
        const bool ascii = round % 3 == 0;
        for (char& ch : t)
            ch = alphabet[rng() % (ascii ? 6 : alphabet.size())];
        const size_t from = static_cast<size_t>(rng() % 8);
        const size_t len = t.size() > from ? static_cast<size_t>(rng() % (t.size() - from + 1)) : 0;
        const std::string buf = t + std::string(kScanPadding, '\xff');
        ByteCounts want;
        for (size_t i = from; i < from + len; ++i) {
            want.quotes += t[i] == '"';
            want.newlines += t[i] == '\n';
            want.non_ascii += static_cast<unsigned char>(t[i]) >= 0x80;
        }
        for (ScanKernel k : available_scan_kernels()) {
            const ByteCounts got = count_quotes_newlines(k, buf.data() + from, len);
            EXPECT_EQ(got.quotes, want.quotes) << scan_kernel_name(k) << " round " << round;
            EXPECT_EQ(got.newlines, want.newlines) << scan_kernel_name(k) << " round " << round;
            EXPECT_EQ(got.non_ascii, want.non_ascii) << scan_kernel_name(k) << " round " << round;
        }
    }
}

// Differential test: random CSV documents, scanned by each SIMD kernel, must give the fields,
// field counts and line numbers they were written with, for random sets of needed columns and
// small batches, with blank lines and records of other widths mixed in.
TEST(Scanner, MatchesScalarSplitterOnRandomCsv) {
    std::mt19937_64 rng(20261123);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
    const std::string alphabet = "abc xyz,\"\n\r;01";
    for (int doc = 0; doc < 300; ++doc) {
        const uint32_t cols = 1 + static_cast<uint32_t>(pick(90));
        std::vector<std::vector<std::string>> expect;
        std::vector<uint64_t> expect_line;
        std::vector<uint32_t> expect_fields;
        std::string text;
        uint64_t line = 1;
        const int nrows = 1 + pick(40);
        for (int r = 0; r < nrows; ++r) {
            std::vector<std::string> row;
            std::string rec;
            uint64_t embedded = 0;
            if (pick(20) == 0) {  // a blank line before the record: a line, not a record
                text += pick(2) ? "\n" : "\r\n";
                ++line;
            }
            // Now and then a record of another width than the header's.
            uint32_t width = cols;
            if (pick(12) == 0)
                width = cols > 1 && pick(2) ? cols - 1 : cols + 1 + static_cast<uint32_t>(pick(3));
            for (uint32_t c = 0; c < width; ++c) {
                std::string v;
                const int len = pick(4) == 0 ? pick(70) : pick(6);
                for (int i = 0; i < len; ++i)
                    v += alphabet[static_cast<size_t>(pick(static_cast<int>(alphabet.size())))];
                const bool needs_quotes = v.find_first_of(",\"\n\r") != std::string::npos;
                if (!needs_quotes && !v.empty() && v.back() == '\r') v.pop_back();
                if (needs_quotes || pick(5) == 0) {
                    rec += '"';
                    for (char ch : v) {
                        if (ch == '"') rec += '"';
                        if (ch == '\n') ++embedded;
                        rec += ch;
                    }
                    rec += '"';
                } else {
                    rec += v;
                }
                row.push_back(v);
                if (c + 1 < width) rec += ',';
            }
            if (width == 1 && row[0].empty()) {  // a lone empty field would be a blank line
                rec = "\"\"";
            }
            const bool last = r + 1 == nrows;
            rec += last && pick(2) ? "" : (pick(3) == 0 ? "\r\n" : "\n");
            text += rec;
            expect.push_back(row);
            expect_line.push_back(line);
            expect_fields.push_back(width);
            line += 1 + embedded;
        }
        std::vector<int> wanted;
        for (uint32_t c = 0; c < cols; ++c)
            if (pick(3) == 0 || c + 1 == cols) wanted.push_back(static_cast<int>(c));
        Scan s = scan(text, cols, wanted, ',', true, 1 + static_cast<size_t>(pick(5)));
        ASSERT_EQ(s.problem, Kind::none) << doc;
        ASSERT_EQ(s.rows.size(), expect.size()) << doc;
        for (size_t r = 0; r < expect.size(); ++r) {
            ASSERT_EQ(s.rows[r].fields, expect_fields[r]) << doc << ":" << r;
            ASSERT_EQ(s.rows[r].line, expect_line[r]) << doc << ":" << r;
            if (expect_fields[r] != cols) continue;
            for (size_t w = 0; w < wanted.size(); ++w) {
                // Undo the quoting the way the row decoder does, then compare.
                std::string raw = s.rows[r].values[w], v;
                if (!raw.empty() && raw[0] == '"') {
                    for (size_t i = 1; i + 1 < raw.size(); ++i) {
                        v += raw[i];
                        if (raw[i] == '"') ++i;
                    }
                } else {
                    v = raw;
                }
                ASSERT_EQ(v, expect[r][static_cast<size_t>(wanted[w])])
                    << doc << ":" << r << ":" << wanted[w];
            }
        }
    }
}

}  // namespace CURCRUNCH_UNITY_ID

namespace CURCRUNCH_UNITY_ID {

// A record with more delimiters than one pass of the kernel holds (kStopsPerPass) is counted on
// to its end: its field count and line are right, and so is everything after it, including the
// quoted newlines inside it and a last record without a newline.
TEST(Scanner, RecordsWiderThanAPass) {
    const size_t wide = kStopsPerPass + 3000;
    std::string huge = "x";
    for (size_t i = 1; i < wide; ++i)
        huge += i == 5000 ? ",\"two\nlines\"" : ",y";
    const std::string text = "a,b,c\n" + huge + "\nd,e,f\n" + huge + "\ng,\"h\",i";
    for (size_t batch_rows : {1, 2, 1024}) {
        Scan s = scan(text, 3, {0, 2}, ',', true, batch_rows);
        ASSERT_EQ(s.rows.size(), 5u) << batch_rows;
        EXPECT_EQ(s.problem, Kind::none);
        const std::vector<uint64_t> lines{1, 2, 4, 5, 7};
        const std::vector<uint32_t> fields{3, static_cast<uint32_t>(wide), 3,
                                           static_cast<uint32_t>(wide), 3};
        for (size_t r = 0; r < 5; ++r) {
            EXPECT_EQ(s.rows[r].line, lines[r]) << r;
            EXPECT_EQ(s.rows[r].fields, fields[r]) << r;
        }
        EXPECT_EQ(s.rows[2].values, (std::vector<std::string>{"d", "f"}));
        EXPECT_EQ(s.rows[4].values, (std::vector<std::string>{"g", "i"}));
    }
    // The same record last in the stream, without a newline, then inside an unclosed quote.
    Scan last = scan("a,b,c\n" + huge, 3, {1});
    ASSERT_EQ(last.rows.size(), 2u);
    EXPECT_EQ(last.rows[1].fields, wide);
    EXPECT_EQ(last.rows[1].line, 2u);
    Scan open = scan("a,b,c\n" + huge + ",\"open", 3, {1});
    ASSERT_EQ(open.rows.size(), 1u);
    // Said where the quoted field opened: past the quoted newline of the record's field 5000.
    EXPECT_EQ(open.problem, Kind::unterminated);
    EXPECT_EQ(open.open_line, 3u);
    EXPECT_EQ(open.open_field, wide);
}

// A header wider than a pass: the pass grows to hold one record of the header's width.
TEST(Scanner, HeaderWiderThanAPass) {
    const uint32_t cols = static_cast<uint32_t>(kStopsPerPass) + 10;
    std::string row;
    for (uint32_t c = 0; c < cols; ++c)
        row += (c ? "," : "") + std::to_string(c);
    Scan s = scan(row + "\n" + row + "\n", cols, {0, static_cast<int>(cols) - 1}, ',', true, 1);
    ASSERT_EQ(s.rows.size(), 2u);
    EXPECT_EQ(s.rows[1].values, (std::vector<std::string>{"0", std::to_string(cols - 1)}));
    EXPECT_EQ(s.rows[1].line, 2u);
}

}  // namespace CURCRUNCH_UNITY_ID

namespace CURCRUNCH_UNITY_ID {

// RFC 4180 quoting (quote_check.hpp). Two rows with a bare quote in the same column used to be
// one record of the header's width (the newline between them read as quoted): the scan now
// stops at the first one's record, after the rows before it, whatever the batch size.
TEST(Scanner, QuoteInsideAnUnquotedFieldStopsTheScan) {
    const std::string t = "h,d,c\nA,ab\"c,1.5\nB,x\"y,2.25\nC,ok,4\n";
    for (size_t batch_rows : {1, 2, 1024}) {
        Scan s = scan(t, 3, {0, 2}, ',', true, batch_rows);
        ASSERT_EQ(s.rows.size(), 1u) << batch_rows;
        EXPECT_EQ(s.problem, Kind::quote_in_unquoted);
        EXPECT_EQ(s.line, 2u);
        EXPECT_EQ(s.field, 1u);
    }
    // Without quoting (Hive text) a quote is a character like any other.
    EXPECT_EQ(scan(t, 3, {1}, ',', false).rows.size(), 4u);
}

TEST(Scanner, QuoteInsideAQuotedFieldMustBeDoubledOrClose) {
    Scan s = scan("a,b\nc,\"ab\"c\"\n", 2, {1});
    ASSERT_EQ(s.rows.size(), 1u);
    EXPECT_EQ(s.problem, Kind::undoubled_quote);
    EXPECT_EQ(s.line, 2u);
    EXPECT_EQ(s.open_line, 2u);
    EXPECT_EQ(s.open_field, 1u);
    // A quote left open swallows the line end; the next quote, two lines on, is where it shows,
    // and the problem names where the field opened.
    s = scan("a,b\nc,\"open\nx,y\nz,\"w\"\n", 2, {1});
    ASSERT_EQ(s.rows.size(), 1u);
    EXPECT_EQ(s.problem, Kind::undoubled_quote);
    EXPECT_EQ(s.line, 4u);
    EXPECT_EQ(s.open_line, 2u);
    EXPECT_EQ(s.open_field, 1u);
    // A CR after a closing quote only as part of a CRLF.
    EXPECT_EQ(scan("a,\"b\"\r\nc,\"d\"\r", 2, {1}).problem, Kind::none);
    EXPECT_EQ(scan("a,\"b\"\rc\n", 2, {1}).problem, Kind::undoubled_quote);
}

// Every quote rule at every offset from a window's start: opening quotes at bit 0, closing
// quotes at bit 63, doubled pairs and CRLFs split across windows, after a first record so that
// a pass starts mid-buffer too.
TEST(Scanner, QuotesAtEveryWindowOffset) {
    for (size_t k = 0; k < 140; ++k) {
        const std::string pad(k, 'x');
        const std::string first = k % 2 ? "r,s,t\n" : "";
        const uint64_t line = first.empty() ? 1 : 2;
        Scan ok = scan(first + pad + ",\"a\"\"\",\"\"\r\n" + pad + ",\"\",\"z\"", 3, {0, 1, 2});
        ASSERT_EQ(ok.problem, Kind::none) << k;
        ASSERT_EQ(ok.rows.size(), line + 1) << k;
        EXPECT_EQ(ok.rows[line - 1].values, (std::vector<std::string>{pad, "\"a\"\"\"", "\"\""}));
        EXPECT_EQ(ok.rows[line].values, (std::vector<std::string>{pad, "\"\"", "\"z\""}));
        // With no text before it the quote opens a field, which the end finds open.
        const Kind bad = k ? Kind::quote_in_unquoted : Kind::unterminated;
        Scan bare = scan(first + pad + "\"q,b,c\n", 3, {0});
        EXPECT_EQ(bare.problem, bad) << k;
        EXPECT_EQ(bare.rows.size(), line - 1) << k;
        Scan in_field = scan(first + "a," + pad + "\"q,c\n", 3, {0});
        EXPECT_EQ(in_field.problem, bad) << k;
        EXPECT_EQ(in_field.rows.size(), line - 1) << k;
        EXPECT_EQ(k ? in_field.line : in_field.open_line, line) << k;
        EXPECT_EQ(k ? in_field.field : in_field.open_field, 1u) << k;
        Scan after_close = scan(first + "a,\"" + pad + "\"q,c\n", 3, {0});
        EXPECT_EQ(after_close.problem, Kind::undoubled_quote) << k;
        EXPECT_EQ(after_close.rows.size(), line - 1) << k;
    }
}

// The masks and the scalar walk are one rule: on random text of quotes, delimiters and line
// ends, every kernel stops at the problem the walk finds first, or finds none where it does.
TEST(Scanner, MasksAgreeWithTheWalk) {
    std::mt19937_64 rng(20270101);
    const std::string alphabet = "\"\"\",,\n\rab";
    for (int doc = 0; doc < 3000; ++doc) {
        std::string t;
        const size_t len = 1 + rng() % 300;
        const bool valid_heavy = doc % 2 == 0;  // mostly well-quoted fields, a few bad quotes
        while (t.size() < len) {
            if (valid_heavy && rng() % 4) {
                t += rng() % 2 ? "\"a,\"\"b\n\"" : "ab";
                t += rng() % 3 ? "," : (rng() % 2 ? "\n" : "\r\n");
            } else {
                t += alphabet[rng() % alphabet.size()];
            }
        }
        const QuoteProblem want = find_quote_problem(t.data(), t.size(), ',', 1);
        Scan s = scan(t, 2, {0, 1}, ',', true, 1 + rng() % 4);
        ASSERT_EQ(s.problem, want.kind) << doc << ": " << t;
        if (want.kind == Kind::none) continue;
        EXPECT_EQ(s.line, want.line) << doc;
        EXPECT_EQ(s.field, want.field) << doc;
        if (want.kind != Kind::quote_in_unquoted) {
            EXPECT_EQ(s.open_line, want.open_line) << doc;
        }
    }
}

}  // namespace CURCRUNCH_UNITY_ID
