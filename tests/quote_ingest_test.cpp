// RFC 4180 quoting through the whole ingest (ingest/quote_check.hpp): a quote inside an
// unquoted field, or one inside a quoted field neither doubled nor closing it, stops the ingest
// with the file, line and column, wherever the chunks of a parallel parse fall, in every
// dialect and compression, and --on-error=skip does not skip it. Found by the ingest audit: two
// rows with a bare quote in the same column were summed as one, silently.
#include <gtest/gtest.h>

#include "curcrunch/core/error.hpp"
#include "curcrunch/gen/generator.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

// The ingest's error, or "" when it was accepted.
std::string ingest_error(const std::string& path, ingest::IngestOptions o) {
    try {
        ingest::run_ingest(ingest::plan_inputs({path}), o);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::input) << e.what();
        return e.what();
    }
    return "";
}

// Where field `field` of the one-line record `line` starts (commas inside quotes are text).
size_t field_start(const std::string& line, size_t field) {
    bool quoted = false;
    for (size_t i = 0, f = 0; f < field && i < line.size(); ++i) {
        if (line[i] == '"') quoted = !quoted;
        if (line[i] == ',' && !quoted && ++f == field) return i + 1;
    }
    return field == 0 ? 0 : line.size();
}

// Lines of a file, each without its newline.
std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    size_t at = 0;
    while (at < text.size()) {
        const size_t nl = text.find('\n', at);
        out.push_back(text.substr(at, nl - at));
        at = nl + 1;
    }
    return out;
}

}  // namespace

// The audit's case, at every place a chunk boundary can fall around the two rows (a block of a
// few hundred bytes moves the cut across them), with one and several threads, plain and gzip.
TEST(QuoteIngest, StrayQuotesAreRefusedWhereverTheChunksFall) {
    TempDir t;
    std::string csv = kLegacyHeader;
    for (int i = 0; i < 300; ++i) {
        const std::string desc = i == 150   ? "ab\"c"
                                 : i == 151 ? "x\"y"
                                 : i % 3    ? "\"Linux, \"\"on\"\" demand\""
                                            : "plain";
        csv += legacy_row(std::to_string(i), "2024-01-05", "1.25", desc);
    }
    write_file(t / "q.csv", csv);
    write_file(t / "q.csv.gz", gzip_bytes(csv));
    for (const char* name : {"q.csv", "q.csv.gz"})
        for (size_t block : {size_t(512), size_t(700), size_t(1021), size_t(4096), size_t(4) << 20})
            for (int threads : {1, 4})
                for (bool skip : {false, true}) {
                    ingest::IngestOptions o;
                    o.block_size = block;
                    o.threads = threads;
                    o.skip_bad_rows = skip;
                    const std::string err = ingest_error(t / name, o);
                    EXPECT_EQ(
                        err.rfind((t / name) + ":152: column 'lineItem/LineItemDescription': quote "
                                               "inside an unquoted field",
                                  0),
                        0u)
                        << name << " block " << block << " threads " << threads << ": " << err;
                    EXPECT_EQ(err.find("not skippable") != std::string::npos, skip) << err;
                }
}

// One quote left open: the rows after it are not one bad row to skip (the audit's skip run
// counted one and committed none of the four); the message names the line where it opened.
TEST(QuoteIngest, AnUnbalancedQuoteNamesWhereItOpened) {
    TempDir t;
    std::string csv = kLegacyHeader;
    csv += legacy_row("1", "2024-01-05", "1.5", "\"never closed");
    for (int i = 2; i < 5; ++i)
        csv += legacy_row(std::to_string(i), "2024-01-05", "1", "d");
    write_file(t / "open.csv", csv);
    ingest::IngestOptions o;
    o.skip_bad_rows = true;
    EXPECT_EQ(ingest_error(t / "open.csv", o),
              (t / "open.csv") +
                  ":2: column 'lineItem/LineItemDescription': unterminated quoted field: it opens "
                  "here and the file ends inside it; not skippable with --on-error=skip (the "
                  "records after it cannot be told apart)");
    // A quoted field in a later row shows it sooner: its opening quote closes the open field
    // and is followed by text.
    csv += legacy_row("5", "2024-01-05", "1", "\"quoted\"");
    write_file(t / "open2.csv", csv);
    EXPECT_EQ(ingest_error(t / "open2.csv", {}),
              (t / "open2.csv") +
                  ":2: column 'lineItem/LineItemDescription': the quoted field opened here runs "
                  "to line 6, where a quote is followed by 'q': a quote inside a quoted field "
                  "must be doubled (an unbalanced quote?)");
}

// CUR 2.0 and FOCUS as the generator writes them (JSON columns quoted with doubled quotes),
// plain, gzip and zip: accepted as they are, and refused at the row and column given a bare
// quote in a text field.
TEST(QuoteIngest, EveryDialectAndCompression) {
    TempDir t;
    for (auto d : {gen::OutDialect::legacy, gen::OutDialect::cur2, gen::OutDialect::focus}) {
        gen::GenOptions g;
        g.dialect = d;
        g.out = t / "gen.csv";
        g.start = 202402;
        g.months = 1;
        g.payers = 1;
        g.accounts_per_payer = 1;
        g.resources_per_account = 4;
        gen::generate(g);
        const std::string csv = read_file(t / "gen.csv");
        const std::vector<std::string> lines = lines_of(csv);
        // A row past the middle, and its first field that is text without quotes.
        const size_t row = lines.size() / 2;
        size_t field = 0;
        for (;; ++field) {
            const size_t at = field_start(lines[row], field);
            if (lines[row].size() > at + 2 &&
                std::isalpha(static_cast<unsigned char>(lines[row][at])) &&
                std::isalpha(static_cast<unsigned char>(lines[row][at + 1])))
                break;
        }
        std::string bad;
        for (size_t i = 0; i < lines.size(); ++i) {
            std::string l = lines[i];
            if (i == row || i == row + 1) {
                const size_t at = field_start(l, field);
                if (l[at] != '"') l.insert(at + 1, "\"");
            }
            bad += l + "\n";
        }
        const std::string column = lines[0].substr(
            field_start(lines[0], field),
            lines[0].find(',', field_start(lines[0], field)) - field_start(lines[0], field));
        const std::string where = ":" + std::to_string(row + 1) + ": column '" + column +
                                  "': quote inside an unquoted field";
        write_file(t / "ok.csv.gz", gzip_bytes(csv));
        write_file(t / "bad.csv", bad);
        write_file(t / "bad.csv.gz", gzip_bytes(bad));
        write_file(t / "bad.zip", zip_bytes({{"bad.csv", bad}}));
        ingest::IngestOptions o;
        o.block_size = 2048;
        EXPECT_EQ(ingest_error(t / "gen.csv", o), "") << static_cast<int>(d);
        EXPECT_EQ(ingest_error(t / "ok.csv.gz", o), "") << static_cast<int>(d);
        for (const char* name : {"bad.csv", "bad.csv.gz", "bad.zip"}) {
            const std::string err = ingest_error(t / name, o);
            EXPECT_NE(err.find(where), std::string::npos) << name << ": " << err;
        }
    }
}

}  // namespace CURCRUNCH_UNITY_ID
