#include "line.hpp"

#include <cmath>
#include <cstdio>

#include "curcrunch/core/json_text.hpp"

namespace curcrunch::gen {

std::string resource_id_of(const Line& l) {
    if (!l.res) return {};
    if (l.instance == 0) return l.res->resource_id;
    return l.res->resource_id + "-" + std::to_string(l.instance);
}

Amount amount_of(const char* dec) {
    Amount a = 0;
    parse_amount(dec, a);
    return a;
}
Amount mul(Amount qty_micro, Amount rate) {
    Amount p = qty_micro * rate;
    Amount q = p / 1000000, r = p % 1000000;
    if (r * 2 >= 1000000) ++q;
    return q;
}
Amount micro(double x) {
    return static_cast<Amount>(std::llround(x * 1e6));
}
Amount micro_to_amount(Amount m) {
    return m * 10000;
}

std::string money_text(Amount v) {
    return to_plain_string(v);
}

std::string ts(Day d, int hour, bool millis, bool space) {
    // hour is 0..23. Appended by hand: snprintf's format parsing cost more than the row.
    std::string s = format_day(d);
    s += space ? ' ' : 'T';
    s += static_cast<char>('0' + hour / 10);
    s += static_cast<char>('0' + hour % 10);
    s += ":00:00";
    if (!space) s += millis ? ".000Z" : "Z";
    return s;
}

void put_csv(std::string& b, std::string_view v) {
    if (v.find_first_of(",\"\n\r") == std::string_view::npos) {
        b.append(v);
        return;
    }
    b += '"';
    for (char c : v) {
        if (c == '"') b += '"';
        b += c;
    }
    b += '"';
}

std::string period_end_ts(Period p, bool millis, bool space) {
    return ts(first_day(add_months(p, 1)), 0, millis, space);
}

LineTimes times(const Line& l, bool millis, bool space, bool hourly) {
    if (l.whole_period)
        return {ts(first_day(l.period), 0, millis, space), period_end_ts(l.period, millis, space)};
    if (l.hour < 0 || !hourly)
        return {ts(l.day, 0, millis, space), ts(l.day + 1, 0, millis, space)};
    if (l.hour == 23) return {ts(l.day, 23, millis, space), ts(l.day + 1, 0, millis, space)};
    return {ts(l.day, l.hour, millis, space), ts(l.day, l.hour + 1, millis, space)};
}

std::string line_id(uint64_t id) {
    static const char* kAlpha = "abcdefghijklmnopqrstuvwxyz234567";
    std::string s(52, 'a');
    uint64_t x = id * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
    for (int i = 0; i < 52; ++i) {
        s[static_cast<size_t>(i)] = kAlpha[x & 31];
        x = (x >> 5) | (x << 59);
        if (i % 12 == 11) x = x * 0xbf58476d1ce4e5b9ull + 1;
    }
    return s;
}

std::string json_escape(std::string_view s) {
    std::string o;
    append_json_escaped(o, s);
    return o;
}

const char* billing_entity(const Line& l) {
    return l.marketplace ? "AWS Marketplace" : "AWS";
}

const char* legal_entity(const Line& l) {
    return l.marketplace ? kMarketplaceSeller : "Amazon Web Services, Inc.";
}

}  // namespace curcrunch::gen
