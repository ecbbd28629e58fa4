#include "curcrunch/report/report_data.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

namespace curcrunch::report {
namespace {

using store::Database;

bool table_exists(Database& db, const char* name) {
    auto st = db.prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?");
    st.bind(1, std::string_view(name));
    return st.step() && st.column_int(0) > 0;
}

store::Query query(const ReportParams& p, Day from, Day to, store::Grain g, store::Dimension d) {
    store::Query q;
    q.from = from;
    q.to = to;
    q.accounts = p.accounts;
    q.services = p.services;
    q.grain = g;
    q.by = d;
    return q;
}

std::vector<KeyAmount> by_dimension(Database& db, const ReportParams& p, Day from, Day to,
                                    store::Dimension d) {
    std::vector<KeyAmount> out;
    for (const auto& r : store::run_query(db, query(p, from, to, store::Grain::total, d)))
        out.push_back({r.key, r.label, r.unblended});
    std::sort(out.begin(), out.end(), [](const KeyAmount& a, const KeyAmount& b) {
        return a.amount != b.amount ? a.amount > b.amount : a.key < b.key;
    });
    return out;
}

Amount total_of(Database& db, const ReportParams& p, Day from, Day to, int64_t* rows = nullptr) {
    Amount t = 0;
    int64_t n = 0;
    for (const auto& r :
         store::run_query(db, query(p, from, to, store::Grain::total, store::Dimension::none))) {
        t += r.unblended;
        n += r.rows;
    }
    if (rows) *rows = n;
    return t;
}

// " AND <col> IN (SELECT id FROM dim WHERE value IN (?,?))" for a non-empty filter.
std::string dim_filter(const char* col, size_t n) {
    if (n == 0) return "";
    std::string s = std::string(" AND ") + col + " IN (SELECT id FROM dim WHERE value IN (";
    for (size_t i = 0; i < n; ++i)
        s += i ? ",?" : "?";
    return s + "))";
}

std::vector<LineItem> top_line_items(Database& db, const ReportParams& p, size_t limit) {
    const std::string sql =
        "SELECT dp.value, du.value, dd.value, dn.value, money_sum(l.unblended), "
        "money_sum(l.usage_amount) FROM line_item_daily l JOIN dim dp ON dp.id = l.product_code "
        "JOIN dim du ON du.id = l.usage_type JOIN dim dd ON dd.id = l.description "
        "JOIN dim dn ON dn.id = l.unit WHERE l.day BETWEEN ? AND ?" +
        dim_filter("l.usage_account", p.accounts.size()) +
        dim_filter("l.product_code", p.services.size()) +
        " GROUP BY l.product_code, l.usage_type, l.description, l.unit";
    auto st = db.prepare(sql);
    int i = 1;
    st.bind(i++, static_cast<int64_t>(to_yyyymmdd(p.from)));
    st.bind(i++, static_cast<int64_t>(to_yyyymmdd(p.to)));
    for (const auto& a : p.accounts)
        st.bind(i++, a);
    for (const auto& s : p.services)
        st.bind(i++, s);
    std::vector<LineItem> out;
    while (st.step()) {
        LineItem li{st.column_text(0),   st.column_text(1),   st.column_text(2), st.column_text(3),
                    st.column_amount(5), st.column_amount(4), std::nullopt};
        if (li.quantity != 0) li.rate = li.cost * kUnit / li.quantity;
        out.push_back(std::move(li));
    }
    std::sort(out.begin(), out.end(), [](const LineItem& a, const LineItem& b) {
        return a.cost != b.cost ? a.cost > b.cost : a.description < b.description;
    });
    if (out.size() > limit) out.resize(limit);
    return out;
}

// Unblended cost per billing month of rows matching a usage-type / pricing-term condition.
std::map<std::string, Amount> monthly_where(Database& db, const ReportParams& p,
                                            const std::string& condition) {
    const std::string sql =
        "SELECT c.period, money_sum(c.unblended) FROM cost_daily c JOIN dim u ON u.id = "
        "c.usage_type JOIN dim t ON t.id = c.pricing_term JOIN dim s ON s.id = c.product_code "
        "WHERE c.day BETWEEN ? AND ? AND (" +
        condition + ")" + dim_filter("c.usage_account", p.accounts.size()) + " GROUP BY c.period";
    auto st = db.prepare(sql);
    int i = 1;
    st.bind(i++, static_cast<int64_t>(to_yyyymmdd(p.from)));
    st.bind(i++, static_cast<int64_t>(to_yyyymmdd(p.to)));
    for (const auto& a : p.accounts)
        st.bind(i++, a);
    std::map<std::string, Amount> out;
    while (st.step())
        out[format_period(static_cast<Period>(st.column_int(0)))] = st.column_amount(1);
    return out;
}

// Daily usage cost over [from, to] (every day present, zero when none).
std::vector<Amount> daily_usage(Database& db, const ReportParams& p) {
    const std::string sql =
        "SELECT c.day, money_sum(c.unblended) FROM cost_daily c JOIN dim t ON t.id = "
        "c.line_item_type WHERE c.day BETWEEN ? AND ? AND t.value IN ('Usage', "
        "'DiscountedUsage', 'SavingsPlanCoveredUsage')" +
        dim_filter("c.usage_account", p.accounts.size()) +
        (p.services.empty()
             ? std::string()
             : " AND (" + dim_filter("c.product_code", p.services.size()).substr(5) + " OR " +
                   dim_filter("c.product_name", p.services.size()).substr(5) + ")") +
        " GROUP BY c.day";
    auto st = db.prepare(sql);
    int i = 1;
    st.bind(i++, static_cast<int64_t>(to_yyyymmdd(p.from)));
    st.bind(i++, static_cast<int64_t>(to_yyyymmdd(p.to)));
    for (const auto& a : p.accounts)
        st.bind(i++, a);
    for (int k = 0; k < 2; ++k)
        for (const auto& s : p.services)
            st.bind(i++, s);
    std::map<int64_t, Amount> by_day;
    while (st.step())
        by_day[st.column_int(0)] = st.column_amount(1);
    std::vector<Amount> out;
    for (Day x = p.from; x <= p.to; ++x)
        out.push_back(by_day.count(to_yyyymmdd(x)) ? by_day[to_yyyymmdd(x)] : 0);
    return out;
}

std::string money(Amount a, const std::string& currency) {
    return (currency == "USD" ? "$" : "") + format_money(a) +
           (currency == "USD" ? "" : " " + currency);
}

void recommend(ReportData& d, Database& db) {
    const ReportParams& p = d.params;
    const std::string& cur = d.currency;
    // Steady on-demand compute: the lowest month is a floor a Savings Plan would be used for.
    auto ondemand = monthly_where(
        db, p, "s.value = 'AmazonEC2' AND t.value = 'OnDemand' AND u.value LIKE '%BoxUsage%'");
    if (ondemand.size() >= 3) {
        Amount lo = ondemand.begin()->second, hi = lo;
        for (const auto& [m, a] : ondemand) {
            lo = std::min(lo, a);
            hi = std::max(hi, a);
        }
        if (lo > 100 * kUnit)
            d.recommendations.push_back(
                {"Cover steady on-demand EC2 compute with a Compute Savings Plan",
                 "On-demand EC2 instance usage cost between " + money(lo, cur) + " and " +
                     money(hi, cur) + " a month over " + std::to_string(ondemand.size()) +
                     " months. A commitment sized to the lowest month (" + money(lo, cur) +
                     "/month, about " + money(lo * 12 / 8760, cur) +
                     "/hour) would be fully used; at a typical 1-year discount of 20% it saves "
                     "about " +
                     money(lo / 5, cur) + " a month (estimate)."});
    }
    // Fastest-growing services, last month of the period against the one before.
    if (d.months.size() >= 2) {
        const Period last = period_of(p.to), before = add_months(last, -1);
        ReportParams q = p;
        auto month_services = [&](Period m) {
            std::map<std::string, KeyAmount> out;
            for (const auto& r : store::run_query(
                     db, query(q, std::max(p.from, first_day(m)), std::min(p.to, last_day(m)),
                               store::Grain::total, store::Dimension::service)))
                out[r.key] = {r.key, r.label, r.unblended};
            return out;
        };
        auto now = month_services(last), prev = month_services(before);
        std::vector<std::pair<Amount, KeyAmount>> growth;
        for (const auto& [k, v] : now) {
            const Amount b = prev.count(k) ? prev[k].amount : 0;
            if (v.amount - b > 10 * kUnit) growth.push_back({v.amount - b, v});
        }
        std::sort(growth.begin(), growth.end(),
                  [](const auto& a, const auto& b) { return a.first > b.first; });
        std::string detail;
        for (size_t i = 0; i < growth.size() && i < 3; ++i) {
            const KeyAmount& s = growth[i].second;
            const Amount b = prev.count(s.key) ? prev[s.key].amount : 0;
            detail += (i ? "; " : "") + s.label + " " + money(b, cur) + " \u2192 " +
                      money(s.amount, cur) + " (" + percent_change(s.amount, b) + ")";
        }
        if (!detail.empty())
            d.recommendations.push_back({"Review the fastest-growing services",
                                         "From " + format_period(before) + " to " +
                                             format_period(last) + ": " + detail + "."});
    }
    // Untagged share.
    {
        const std::string sql =
            "SELECT money_sum(unblended), money_sum(tagged_unblended) FROM "
            "cost_daily WHERE day BETWEEN ? AND ?" +
            dim_filter("usage_account", p.accounts.size());
        auto st = db.prepare(sql);
        int i = 1;
        st.bind(i++, static_cast<int64_t>(to_yyyymmdd(p.from)));
        st.bind(i++, static_cast<int64_t>(to_yyyymmdd(p.to)));
        for (const auto& a : p.accounts)
            st.bind(i++, a);
        if (st.step() && !st.column_is_null(0)) {
            const Amount all = st.column_amount(0), tagged = st.column_amount(1);
            const Amount untagged = all - tagged;
            if (all > 0 && untagged * 10 > all)
                d.recommendations.push_back(
                    {"Tag the untagged spend",
                     money(untagged, cur) + " of " + money(all, cur) + " (" +
                         percent_change(untagged + all, all).substr(1) +
                         ") carries no cost-allocation tag, so it cannot be charged back."});
        }
    }
    // Data transfer share.
    {
        auto dt = monthly_where(db, p, "u.value LIKE '%DataTransfer%' OR u.value LIKE '%-Bytes%'");
        Amount sum = 0;
        for (const auto& [m, a] : dt)
            sum += a;
        if (d.totals.total > 0 && sum * 20 > d.totals.total)
            d.recommendations.push_back(
                {"Look at data transfer",
                 "Data transfer cost " + money(sum, cur) + ", " +
                     percent_change(sum + d.totals.total, d.totals.total).substr(1) +
                     " of the period's total: check cross-AZ traffic, NAT gateways and "
                     "egress that a CDN or VPC endpoints would avoid."});
    }
    // Anomalies.
    if (!d.anomalies.empty()) {
        const Anomaly* worst = &d.anomalies[0];
        for (const auto& a : d.anomalies)
            if (a.value - a.median > worst->value - worst->median) worst = &a;
        d.recommendations.push_back(
            {"Explain the anomalous days",
             std::to_string(d.anomalies.size()) +
                 " day(s) of usage cost deviate from their trailing 28-day median by more than "
                 "3.5 robust z-scores and $25; the largest, " +
                 d.trend[worst->index].key + ", had " + money(worst->value, cur) +
                 " of usage against a median of " + money(worst->median, cur) + "."});
    }
}

void reconcile(ReportData& d, Database& db) {
    if (!table_exists(db, "invoice")) return;
    const Period first = period_of(d.params.from), last = period_of(d.params.to);
    ReportParams unfiltered;
    for (Period m = first; m <= last; m = add_months(m, 1)) {
        auto st = db.prepare(
            "SELECT count(*), max(base_currency), max(payment_currency), "
            "money_sum(CASE WHEN invoice_type = 'CREDIT_MEMO' THEN 0 ELSE base_total END), "
            "money_sum(base_taxes), "
            "money_sum(CASE WHEN invoice_type = 'CREDIT_MEMO' THEN base_total ELSE 0 END), "
            "money_sum(payment_total) FROM invoice WHERE period = ?");
        st.bind(1, static_cast<int64_t>(m));
        if (!st.step() || st.column_int(0) == 0) continue;
        InvoiceMonth im;
        im.month = format_period(m);
        im.invoices = static_cast<int>(st.column_int(0));
        im.currency = st.column_text(1);
        im.payment_currency = st.column_text(2);
        im.invoice_total = st.column_amount(3);
        im.invoice_tax = st.column_amount(4);
        im.credits = st.column_amount(5);
        im.payment_total = st.column_amount(6);
        unfiltered.from = first_day(m);
        unfiltered.to = last_day(m);
        im.cur_total = total_of(db, unfiltered, unfiltered.from, unfiltered.to);
        im.difference = im.invoice_total + im.credits - im.cur_total;
        im.flagged = im.difference > kUnit / 100 || im.difference < -kUnit / 100;
        if (table_exists(db, "ce_cost")) {
            auto ce = db.prepare(
                "SELECT count(*), money_sum(amount) FROM ce_cost WHERE granularity = 'MONTHLY' "
                "AND start_day = ?");
            ce.bind(1, static_cast<int64_t>(to_yyyymmdd(first_day(m))));
            if (ce.step() && ce.column_int(0) > 0) {
                im.ce_total = ce.column_amount(1);
                d.has_ce = true;
            }
        }
        d.invoice_months.push_back(std::move(im));
    }
}

}  // namespace

std::string ReportData::account_label(const std::string& id) const {
    auto it = account_names.find(id);
    return it == account_names.end() ? id : it->second + " (" + id + ")";
}

std::string percent_change(Amount now, Amount before) {
    if (before == 0) return "n/a";
    // Tenths of a percent, rounded half away from zero, in integers.
    Amount diff = now - before;
    Amount base = before < 0 ? -before : before;
    Amount tenths = (diff * 2000 / base + (diff >= 0 ? 1 : -1)) / 2;
    char b[48];
    const long long t = static_cast<long long>(tenths);
    std::snprintf(b, sizeof b, "%s%lld.%lld%%", t >= 0 ? "+" : "-", (t < 0 ? -t : t) / 10,
                  (t < 0 ? -t : t) % 10);
    return b;
}

ReportData gather_report(Database& db, const ReportParams& p) {
    ReportData d;
    d.params = p;
    d.totals = compute_totals(db, p);
    const int len = p.to - p.from + 1;
    d.prev_to = p.from - 1;
    d.prev_from = p.from - len;
    d.prev_total = total_of(db, p, d.prev_from, d.prev_to);
    {
        CivilDate f = civil_from_days(p.from), t = civil_from_days(p.to);
        const Day yf = days_from_civil(f.year - 1, f.month,
                                       std::min(f.day, days_in_month(f.year - 1, f.month)));
        const Day yt = days_from_civil(t.year - 1, t.month,
                                       std::min(t.day, days_in_month(t.year - 1, t.month)));
        int64_t rows = 0;
        const Amount y = total_of(db, p, yf, yt, &rows);
        if (rows > 0) d.year_ago_total = y;
    }
    // The 12-month trend ends with the period's last month.
    {
        const Period last = period_of(p.to), first = add_months(last, -11);
        std::map<std::string, Amount> m;
        for (const auto& r : store::run_query(
                 db, query(p, first_day(first), p.to, store::Grain::month, store::Dimension::none)))
            m[r.bucket] += r.unblended;
        for (Period x = first; x <= last; x = add_months(x, 1))
            d.months.push_back({format_period(x), format_period(x), m[format_period(x)]});
    }
    // The second trend, every bucket present (zero when there is no cost).
    {
        std::map<std::string, Amount> m;
        for (const auto& r :
             store::run_query(db, query(p, p.from, p.to, p.granularity, store::Dimension::none)))
            m[r.bucket] += r.unblended;
        if (p.granularity == store::Grain::day) {
            for (Day x = p.from; x <= p.to; ++x)
                d.trend.push_back({format_day(x), format_day(x), m[format_day(x)]});
            d.anomalies = detect_anomalies(daily_usage(db, p));
        } else {
            for (const auto& [k, v] : m)
                d.trend.push_back({k, k, v});
        }
    }
    d.services = by_dimension(db, p, p.from, p.to, store::Dimension::service);
    d.accounts = by_dimension(db, p, p.from, p.to, store::Dimension::account);
    for (const auto& k : by_dimension(db, p, d.prev_from, d.prev_to, store::Dimension::service))
        d.prev_services[k.key] = k.amount;
    for (const auto& k : by_dimension(db, p, d.prev_from, d.prev_to, store::Dimension::account))
        d.prev_accounts[k.key] = k.amount;
    if (table_exists(db, "account")) {
        auto st = db.prepare("SELECT id, name FROM account WHERE name <> ''");
        while (st.step())
            d.account_names[st.column_text(0)] = st.column_text(1);
    }
    // Freshness.
    {
        auto st = db.prepare("SELECT max(max_day) FROM billing_period");
        if (st.step() && !st.column_is_null(0)) {
            const int64_t ymd = st.column_int(0);
            d.data_through = days_from_civil(static_cast<int>(ymd / 10000),
                                             static_cast<unsigned>(ymd / 100 % 100),
                                             static_cast<unsigned>(ymd % 100));
        }
        auto li = db.prepare("SELECT max(finished_at) FROM ingest");
        if (li.step() && !li.column_is_null(0)) d.last_ingest = li.column_text(0);
    }
    // Forecast: linear from month to date, when the current month is in the period.
    const Period current = period_of(p.as_of);
    if (period_of(p.from) <= current && current <= period_of(p.to) && d.data_through > 0) {
        const Day start = first_day(current);
        const Day seen_to = std::min({p.as_of, d.data_through, p.to});
        if (seen_to >= start) {
            d.month_to_date = total_of(db, p, start, seen_to);
            d.forecast_days_seen = seen_to - start + 1;
            d.forecast_days_in_month =
                static_cast<int>(days_in_month(current / 100, current % 100));
            d.forecast = *d.month_to_date * d.forecast_days_in_month / d.forecast_days_seen;
        }
    }
    d.line_items = top_line_items(db, p, static_cast<size_t>(std::max(p.top, 1)) * 5);
    reconcile(d, db);
    recommend(d, db);
    // Sources: the ingests behind the periods the report touches.
    {
        auto st = db.prepare(
            "SELECT b.period, s.path, s.sha256, s.manifest, s.assembly_id FROM billing_period b "
            "JOIN ingest_source s ON s.ingest_id = b.ingest_id WHERE b.period BETWEEN ? AND ? "
            "ORDER BY b.period, s.path");
        st.bind(1, static_cast<int64_t>(period_of(p.from)));
        st.bind(2, static_cast<int64_t>(period_of(p.to)));
        std::set<std::string> seen;
        while (st.step()) {
            SourceRef s{format_period(static_cast<Period>(st.column_int(0))), st.column_text(1),
                        st.column_text(2), st.column_text(3), st.column_text(4)};
            if (seen.insert(s.path + s.sha256).second) d.sources.push_back(std::move(s));
        }
    }
    d.fingerprint = data_fingerprint(db, p);
    return d;
}

}  // namespace curcrunch::report
