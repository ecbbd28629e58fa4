// The chart module: nice ticks, money tick labels, layout rules (no overlapping labels,
// truncation, shares), the SVG backend, and the font fallback.
#include <gtest/gtest.h>

#include <cmath>

#include "curcrunch/chart/charts.hpp"
#include "curcrunch/chart/scale.hpp"
#include "curcrunch/chart/svg_backend.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch::chart;

TEST(Chart, NiceTicksCoverTheDataAndZero) {
    LinearScale s = nice_scale(0, 1234, 0, 100);
    EXPECT_EQ(s.ticks, (std::vector<double>{0, 500, 1000, 1500}));
    EXPECT_DOUBLE_EQ(s(1500), 100);
    LinearScale neg = nice_scale(-320, 80, 0, 100);
    EXPECT_EQ(neg.ticks.front(), -400);
    EXPECT_EQ(neg.ticks.back(), 100);
    EXPECT_EQ(nice_scale(0, 0.3, 0, 1).ticks, (std::vector<double>{0, 0.1, 0.2, 0.3}));
}

TEST(Chart, MoneyTicksHaveSeparatorsAndCurrency) {
    EXPECT_EQ(money_tick(1500, 500, "USD"), "$1,500");
    EXPECT_EQ(money_tick(1234567, 500000, "USD"), "$1,234,567");
    EXPECT_EQ(money_tick(0.25, 0.05, "USD"), "$0.25");
    EXPECT_EQ(money_tick(-2000, 1000, "EUR"), "-2,000 EUR");
    EXPECT_EQ(money_tick(-0.5, 0.1, "USD"), "-$0.50");
}

TEST(Chart, DailyLabelsNeverOverlap) {
    TextMetrics m;
    LineChartSpec spec;
    spec.title = "Daily";
    LineSeries ser;
    for (int d = 0; d < 365; ++d) {
        spec.x_labels.push_back("2026-01-" + std::to_string(10 + d % 20));
        ser.values.push_back(100 + d % 7);
        ser.value_labels.push_back("x");
    }
    spec.series.push_back(ser);
    Scene s = line_chart(spec, m);
    std::vector<std::pair<double, double>> spans;  // x labels along the bottom
    for (const Item& it : s.items)
        if (const Text* t = std::get_if<Text>(&it);
            t && t->anchor == Anchor::middle && t->y > s.height - 40) {
            const double w = m.width(t->text, t->size);
            spans.push_back({t->x - w / 2, t->x + w / 2});
        }
    ASSERT_GT(spans.size(), 3u);
    ASSERT_LT(spans.size(), 40u);
    for (size_t i = 1; i < spans.size(); ++i)
        EXPECT_LT(spans[i - 1].second, spans[i].first);
}

TEST(Chart, LongServiceNamesAreTruncatedToTheLabelColumn) {
    TextMetrics m;
    BarChartSpec spec;
    spec.title = "By service";
    spec.width = 400;
    spec.height = 120;
    spec.items = {{std::string(200, 'W'), 10, "$10.00", "", false},
                  {"EC2", 5, "$5.00", "/s/ec2", false},
                  {"Other (3)", 1, "$1.00", "", true}};
    Scene s = bar_chart(spec, m);
    bool truncated = false;
    for (const Item& it : s.items) {
        if (const Text* t = std::get_if<Text>(&it); t && t->anchor == Anchor::end && t->x < 200) {
            EXPECT_LE(m.width(t->text, t->size), 400 * 0.38 + 0.01) << t->text;
            truncated = truncated || t->text.find("\u2026") != std::string::npos;
        }
        if (const Rect* r = std::get_if<Rect>(&it)) {
            EXPECT_GE(r->x, 0);
            EXPECT_LE(r->x + r->w, spec.width);
        }
    }
    EXPECT_TRUE(truncated);
    const std::string svg = to_svg(s);
    EXPECT_NE(svg.find("<a href=\"/s/ec2\"><rect"), std::string::npos) << svg;
    EXPECT_NE(svg.find("<title>EC2: $5.00</title>"), std::string::npos);
    EXPECT_NE(svg.find("fill=\"#bebebe\""), std::string::npos);  // Other is grey
}

TEST(Chart, PieSharesAddUpAndTheLegendShowsThem) {
    TextMetrics m;
    PieChartSpec spec;
    spec.title = "Split";
    spec.items = {{"A", 3, "$3", "", false}, {"B", 1, "$1", "", false}};
    Scene s = pie_chart(spec, m);
    double sweep = 0;
    for (const Item& it : s.items)
        if (const Wedge* w = std::get_if<Wedge>(&it)) sweep += w->a1 - w->a0;
    EXPECT_NEAR(sweep, 2 * M_PI, 1e-9);
    const std::string svg = to_svg(s);
    EXPECT_NE(svg.find(">75%</text>"), std::string::npos);
    EXPECT_NE(svg.find(">25%</text>"), std::string::npos);
    EXPECT_NE(svg.find("<title>A: $3 (75%)</title>"), std::string::npos);
}

TEST(Chart, SvgIsEscapedAccessibleAndScriptFree) {
    Scene s;
    s.width = 100;
    s.height = 50;
    s.title = "Costs <&> \"quoted\"";
    s.items.push_back(Text{1, 2, "R&D <team>", 8, {0, 0, 0}, Anchor::start, false, 0});
    s.items.push_back(Circle{5, 5, 2, {1, 2, 3}, "tip & more", ""});
    const std::string svg = to_svg(s);
    EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
    EXPECT_NE(svg.find("<title>Costs &lt;&amp;&gt; &quot;quoted&quot;</title>"), std::string::npos);
    EXPECT_NE(svg.find(">R&amp;D &lt;team&gt;</text>"), std::string::npos);
    EXPECT_NE(svg.find("<circle cx=\"5\" cy=\"5\" r=\"2\" fill=\"#010203\"><title>tip &amp; more"
                       "</title></circle>"),
              std::string::npos)
        << svg;
    EXPECT_EQ(svg.find("<script"), std::string::npos);
}

TEST(Chart, TextOutsideTheFontBecomesAVisibleMarker) {
    EXPECT_EQ(font_safe("Tokyo \xE6\x9D\xB1\xE4\xBA\xAC"), "Tokyo \u25A1\u25A1");
    EXPECT_EQ(font_safe("caf\xC3\xA9 \xF0\x9F\x98\x80"), "caf\u00E9 \u25A1");
    EXPECT_EQ(font_safe("bad \xFF byte"), "bad \uFFFD byte");
    EXPECT_EQ(font_safe("\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0"),
              "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0");  // Cyrillic is in DejaVu
    TextMetrics m;
    EXPECT_GT(m.width("Amazon Elastic Compute Cloud", 10), m.width("Amazon", 10));
    EXPECT_EQ(m.fit("short", 100, 8), "short");
}

}  // namespace CURCRUNCH_UNITY_ID
