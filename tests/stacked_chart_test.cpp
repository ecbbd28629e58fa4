// Stacked monthly bars (chart/stacked_chart.hpp): positive parts stack up from zero and negative
// ones down from it, each part's segment is as tall as its amount on the axis, "Other" is grey,
// tooltips carry the exact amounts and links, and nothing leaves the chart at a phone's width.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "curcrunch/chart/stacked_chart.hpp"
#include "curcrunch/chart/svg_backend.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch::chart;

namespace {

StackedBarSpec two_months(double width) {
    StackedBarSpec spec;
    spec.title = "By month";
    spec.width = width;
    spec.x_labels = {"2026-09", "2026-10"};
    spec.x_notes = {"", "data for 20 of 31 days"};
    spec.series = {{"EC2", {300, 240}, {"$300.00", "$240.00"}, "/s/ec2", false},
                   {"Credits", {-50, 0}, {"-$50.00", "$0.00"}, "", false},
                   {"Other", {75, 50}, {"$75.00", "$50.00"}, "", true}};
    return spec;
}

}  // namespace

TEST(StackedChart, PartsStackFromZeroUpAndDownAndKeepTheirAmounts) {
    TextMetrics m;
    const Scene s = stacked_bar_chart(two_months(560), m);
    // The y axis: the zero line and the scale of one unit, from two grid lines and their labels.
    std::map<std::string, const Rect*> bars;  // by tooltip
    for (const Item& it : s.items)
        if (const Rect* r = std::get_if<Rect>(&it); r && !r->title.empty() && r->w > 8)
            bars[r->title] = r;
    const Rect* ec2 = bars.at("EC2, 2026-09: $300.00");
    const Rect* other = bars.at("Other, 2026-09: $75.00");
    const Rect* credit = bars.at("Credits, 2026-09: -$50.00");
    const double unit = ec2->h / 300;
    // EC2 sits on zero, Other on top of it, the credit hangs below zero.
    const double zero = ec2->y + ec2->h;
    EXPECT_NEAR(other->y + other->h, ec2->y, 1e-9);
    EXPECT_NEAR(other->h, 75 * unit, 1e-9);
    EXPECT_NEAR(credit->y, zero, 1e-9);
    EXPECT_NEAR(credit->h, 50 * unit, 1e-9);
    EXPECT_EQ(other->fill, kOtherColor);
    EXPECT_EQ(ec2->href, "/s/ec2");
    // A zero amount draws nothing; a partial month says so in its tooltips.
    EXPECT_EQ(bars.count("Credits, 2026-10: $0.00"), 0u);
    EXPECT_EQ(bars.count("EC2, 2026-10: $240.00 (data for 20 of 31 days)"), 1u);
    const std::string svg = to_svg(s);
    EXPECT_NE(svg.find("<a href=\"/s/ec2\"><rect"), std::string::npos);
    EXPECT_NE(svg.find(">Credits</text>"), std::string::npos);  // the legend
}

TEST(StackedChart, AtAPhoneWidthEveryMarkAndLabelStaysInside) {
    TextMetrics m;
    StackedBarSpec spec = two_months(236);
    for (int i = 0; i < 10; ++i) {  // a year of months and a legend that wraps
        spec.x_labels.push_back("2027-0" + std::to_string(i));
        for (auto& ser : spec.series) {
            ser.values.push_back(10);
            ser.value_labels.push_back("$10.00");
        }
    }
    spec.series.push_back({"Amazon Elastic Compute Cloud with a long name", {}, {}, "", false});
    const Scene s = stacked_bar_chart(spec, m);
    for (const Item& it : s.items) {
        if (const Rect* r = std::get_if<Rect>(&it)) {
            EXPECT_GE(r->x, 0);
            EXPECT_LE(r->x + r->w, spec.width + 1e-9);
            EXPECT_LE(r->y + r->h, spec.height + 1e-9);
        }
        if (const Text* t = std::get_if<Text>(&it); t && !t->bold) {
            const double w = m.width(t->text, t->size);
            const double x0 = t->anchor == Anchor::start    ? t->x
                              : t->anchor == Anchor::middle ? t->x - w / 2
                                                            : t->x - w;
            EXPECT_GE(x0, -0.5) << t->text;
            EXPECT_LE(x0 + w, spec.width + 0.5) << t->text;
            EXPECT_LE(t->y, spec.height) << t->text;
        }
    }
}

}  // namespace CURCRUNCH_UNITY_ID
