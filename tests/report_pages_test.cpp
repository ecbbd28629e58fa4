// What a report's pages show and carry, through the binary: identifiers in the line-item table
// break between their words, a complete current month states its actual cost instead of a
// forecast, and the embedded fonts hold only the TrueType tables their glyphs need (checked
// table by table against the sfnt rules, and by rendering every page).
#include <gtest/gtest.h>

#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>

#include <cstdio>
#include <set>
#include <sstream>

#include "curcrunch/report/pdf_fonts.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;
namespace fs = std::filesystem;

namespace {

// October 2026, every one of its 31 days: EC2 at 12.00 a day for 111111111111 and Business
// Support at 3.00 a day for 222222222222.
std::string whole_october_csv() {
    std::string s = kLegacyHeader;
    for (int d = 1; d <= 31; ++d) {
        char day[16];
        std::snprintf(day, sizeof day, "2026-10-%02d", d);
        s += known_row("e" + std::to_string(d), day, "111111111111", "AmazonEC2",
                       "Amazon Elastic Compute Cloud", "12.00");
        s += known_row("b" + std::to_string(d), day, "222222222222", "AWSSupportBusiness",
                       "AWS Support (Business)", "3.00");
    }
    return s;
}

struct OctoberWorld {
    OctoberWorld() {
        write_file(tmp / "oct.csv", whole_october_csv());
        auto r = run_cli({"ingest", "--quiet", "--db", db, tmp / "oct.csv"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        auto rep = run_cli({"report", "--db", db, "--from", "2026-10-01", "--to", "2026-10-31",
                            "--as-of", "2026-10-31", "--out", pdf});
        EXPECT_EQ(rep.exit_code, 0) << rep.err;
        text = sh("pdftotext -layout " + pdf + " -").out;
    }
    TempDir tmp;
    std::string db = tmp / "store.db";
    std::string pdf = tmp / "report.pdf";
    std::string text;
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

uint32_t be32(const std::string& s, size_t at) {
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k)
        v = v << 8 | static_cast<unsigned char>(s[at + k]);
    return v;
}

// The sfnt checksum: 32-bit big-endian words, the last one padded with zeros.
uint32_t sfnt_sum(std::string s) {
    s.append((4 - s.size() % 4) % 4, '\0');
    uint32_t sum = 0;
    for (size_t i = 0; i < s.size(); i += 4)
        sum += be32(s, i);
    return sum;
}

std::string table_record(const std::string& tag, uint32_t offset, uint32_t length) {
    std::string r = tag;
    for (uint32_t v : {0u, offset, length})
        for (int k = 3; k >= 0; --k)
            r += static_cast<char>(v >> (8 * k));
    return r;
}

}  // namespace

TEST(ReportPages, LineItemIdentifiersBreakBetweenTheirWords) {
    OctoberWorld w;
    // The line-item table's service column is narrower than "AWSSupportBusiness": it breaks
    // where its words meet, never inside one.
    EXPECT_EQ(w.text.find("AWSSupportBusin\n"), std::string::npos) << w.text;
    EXPECT_EQ(w.text.find("AWSSupportBusin "), std::string::npos) << w.text;
    const std::vector<std::string> lines = lines_of(w.text);
    bool broken_at_word = false;
    for (size_t i = 0; i + 1 < lines.size(); ++i)
        if (lines[i].rfind("AWSSupport ", 0) == 0 && lines[i + 1].rfind("Business", 0) == 0)
            broken_at_word = true;
    EXPECT_TRUE(broken_at_word) << w.text;
    // The rest of the table is unchanged by it: the row's figures, the other service whole.
    EXPECT_NE(w.text.find("$93.00"), std::string::npos);   // 31 x 3.00
    EXPECT_NE(w.text.find("$372.00"), std::string::npos);  // 31 x 12.00
    EXPECT_NE(w.text.find("AmazonEC2"), std::string::npos);
}

TEST(ReportPages, ACompleteMonthStatesItsActualCostNotAForecast) {
    OctoberWorld w;
    // 31 x (12.00 + 3.00): all of October has data, so nothing is estimated.
    EXPECT_NE(w.text.find("Cost of 2026-10 (complete month)"), std::string::npos) << w.text;
    EXPECT_NE(w.text.find("actual, with data for all 31 days"), std::string::npos) << w.text;
    EXPECT_NE(w.text.find("$465.00"), std::string::npos);
    EXPECT_EQ(w.text.find("Forecast for"), std::string::npos) << w.text;
    EXPECT_EQ(w.text.find("The forecast is an estimate"), std::string::npos);
    EXPECT_EQ(w.text.find("31 of 31 days"), std::string::npos);

    // A day short of the month, it is a forecast again: 30 x 15.00 = 450.00 over 30 days,
    // extended to 31 = 465.00.
    write_file(w.tmp / "to30.csv", [] {
        std::string s = whole_october_csv();
        return s.substr(0, s.rfind("e31,"));
    }());
    const std::string db30 = w.tmp / "store30.db";
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", db30, w.tmp / "to30.csv"}).exit_code, 0);
    const std::string pdf30 = w.tmp / "report30.pdf";
    ASSERT_EQ(run_cli({"report", "--db", db30, "--from", "2026-10-01", "--to", "2026-10-31",
                       "--as-of", "2026-10-31", "--out", pdf30})
                  .exit_code,
              0);
    const std::string text30 = sh("pdftotext -layout " + pdf30 + " -").out;
    EXPECT_NE(text30.find("Forecast for 2026-10 (estimate)"), std::string::npos) << text30;
    EXPECT_NE(text30.find("linear from $450.00 in 30 of 31 days"), std::string::npos) << text30;
    EXPECT_EQ(text30.find("(complete month)"), std::string::npos);
}

TEST(ReportPages, EmbeddedFontsCarryOnlyTheTablesTheirGlyphsNeed) {
    OctoberWorld w;
    QPDF q;
    q.processFile(w.pdf.c_str());
    const std::set<std::string> wanted = {"OS/2", "cvt ", "fpgm", "glyf", "head",
                                          "hhea", "hmtx", "loca", "maxp", "prep"};
    int fonts = 0;
    for (QPDFObjectHandle o : q.getAllObjects()) {
        if (!o.isDictionary() || !o.getKey("/Type").isNameAndEquals("/FontDescriptor")) continue;
        QPDFObjectHandle file = o.getKey("/FontFile2");
        ASSERT_TRUE(file.isStream());
        ++fonts;
        std::shared_ptr<Buffer> b = file.getStreamData(qpdf_dl_generalized);
        const std::string font(reinterpret_cast<const char*>(b->getBuffer()), b->getSize());
        EXPECT_EQ(file.getDict().getKey("/Length1").getIntValue(),
                  static_cast<long long>(font.size()));
        ASSERT_GE(font.size(), 12u);
        const size_t n =
            static_cast<unsigned char>(font[4]) << 8 | static_cast<unsigned char>(font[5]);
        std::set<std::string> tags;
        std::string previous;
        for (size_t i = 0; i < n; ++i) {
            const size_t rec = 12 + 16 * i;
            const std::string tag = font.substr(rec, 4);
            EXPECT_LT(previous, tag);  // the directory is sorted by tag
            previous = tag;
            tags.insert(tag);
            const uint32_t offset = be32(font, rec + 8), length = be32(font, rec + 12);
            EXPECT_EQ(offset % 4, 0u) << tag;
            ASSERT_LE(uint64_t{offset} + length, font.size()) << tag;
            std::string table = font.substr(offset, length);
            if (tag == "head") table.replace(8, 4, std::string(4, '\0'));
            EXPECT_EQ(be32(font, rec + 4), sfnt_sum(table)) << tag;
        }
        EXPECT_EQ(tags, wanted);
        EXPECT_EQ(sfnt_sum(font), 0xB1B0AFBAu);  // what head.checkSumAdjustment makes it
        // Glyph names and the naming table were most of libharu's 150 KB.
        EXPECT_LT(font.size(), 80000u);
    }
    EXPECT_EQ(fonts, 2);  // regular and bold
    auto check = sh("qpdf --check " + w.pdf);
    EXPECT_EQ(check.code, 0) << check.out;
    const std::string listed = sh("pdffonts " + w.pdf).out;
    EXPECT_NE(listed.find("DejaVuSans,Book"), std::string::npos) << listed;
    EXPECT_NE(listed.find("DejaVuSans-Bold"), std::string::npos) << listed;
    auto render = sh("pdftoppm -r 40 -png " + w.pdf + " " + (w.tmp / "page"));
    EXPECT_EQ(render.code, 0);
    EXPECT_EQ(render.out, "");  // not one complaint about a font
    EXPECT_NE(w.text.find("AWS Support (Business)"), std::string::npos);
}

TEST(ReportPages, SlimTruetypeKeepsWhatIsNotAFontAsItIs) {
    EXPECT_EQ(report::slim_truetype(""), "");
    EXPECT_EQ(report::slim_truetype("true"), "");
    // One table whose bytes lie beyond the end of the file.
    std::string header("\0\1\0\0\0\1\0\x10\0\0\0\0", 12);
    EXPECT_EQ(report::slim_truetype(header + table_record("head", 28, 54)), "");
    // A directory longer than the file.
    std::string two("\0\1\0\0\0\2\0\x20\0\1\0\0", 12);
    EXPECT_EQ(report::slim_truetype(two + table_record("head", 44, 0)), "");
    // No head table: nothing to rewrite the checksum into.
    const std::string post(32, 'p');
    EXPECT_EQ(report::slim_truetype(header + table_record("post", 28, 32) + post), "");
    // A head table and a post table: the post table goes, the head table stays with its
    // checksum adjustment making the whole file sum to 0xB1B0AFBA.
    const std::string head(54, '\1');
    const std::string font = two + table_record("head", 44, 54) + table_record("post", 100, 32) +
                             head + std::string(2, '\0') + post;
    const std::string slim = report::slim_truetype(font);
    ASSERT_EQ(slim.size(), 12u + 16 + 56);
    EXPECT_EQ(slim.substr(12, 4), "head");
    EXPECT_EQ(slim[5], '\1');  // one table
    EXPECT_EQ(sfnt_sum(slim), 0xB1B0AFBAu);
    std::string body = slim.substr(28, 54);
    EXPECT_EQ(body.substr(0, 8), head.substr(0, 8));
    EXPECT_EQ(body.substr(12), head.substr(12));
}

}  // namespace CURCRUNCH_UNITY_ID
