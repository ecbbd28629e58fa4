#include "curcrunch/store/query_mom.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "curcrunch/core/error.hpp"

namespace curcrunch::store {
namespace {

using Window = std::pair<Day, Day>;
using Amounts = std::map<std::string, Amount>;  // by row key

// The amounts of every window a table needs, by key: whole months (up to the view's end) from
// one query by month, any other window (a month cut like for like) from a query of its own.
class WindowAmounts {
  public:
    WindowAmounts(Database& db, const MomQuery& q, Period first, Period last)
        : db_(db), scope_(q.scope), end_(q.end) {
        Query m = scope_;
        m.from = first_day(first);
        m.to = end_;
        m.grain = Grain::month;
        for (const ResultRow& r : run(m))
            if (auto p = parse_period(r.bucket))
                cache_[month_window(*p)][r.key] += r.measure(scope_.measure);
        for (Period p = first; p <= last; p = add_months(p, 1))
            cache_[month_window(p)];  // a month without rows is a window of no amounts
    }
    Window month_window(Period p) const { return {first_day(p), std::min(last_day(p), end_)}; }
    const Amounts& of(Day from, Day to) {
        auto it = cache_.find({from, to});
        if (it != cache_.end()) return it->second;
        Query w = scope_;
        w.from = from;
        w.to = to;
        w.grain = Grain::total;
        Amounts& a = cache_[{from, to}];
        for (const ResultRow& r : run(w))
            a[r.key] += r.measure(scope_.measure);
        return a;
    }
    const std::map<std::string, std::string>& labels() const { return labels_; }

  private:
    std::vector<ResultRow> run(Query q) {
        q.min_cost.reset();
        q.limit = 0;
        std::vector<ResultRow> rows = run_query(db_, q);
        for (const ResultRow& r : rows)
            labels_.emplace(r.key, r.label);
        return rows;
    }
    Database& db_;
    Query scope_;
    Day end_;
    std::map<Window, Amounts> cache_;
    std::map<std::string, std::string> labels_;
};

Amount sum_of(const Amounts& a, const std::set<std::string>& keys) {
    Amount t = 0;
    for (const std::string& k : keys)
        if (auto it = a.find(k); it != a.end()) t += it->second;
    return t;
}

}  // namespace

MonthOverMonth month_over_month(Database& db, const MomQuery& q) {
    if (q.months < 1 || q.months > 120)
        throw_usage("month over month: expected 1 to 120 months; got " + std::to_string(q.months));
    const Period last = period_of(q.end);
    const Period first = add_months(last, -(q.months - 1));
    // The month before the first is read too: the first month's change needs it.
    WindowAmounts amounts(db, q, add_months(first, -1), last);
    MomSource src;
    src.amounts = [&](Day from, Day to) { return amounts.of(from, to); };
    src.label = [&](const std::string& k) {
        auto it = amounts.labels().find(k);
        return it == amounts.labels().end() ? k : it->second;
    };
    return month_over_month(ViewCoverage::load(db, q.scope.payers), q, src);
}

MonthOverMonth month_over_month(const ViewCoverage& cov, const MomQuery& q, const MomSource& src) {
    if (q.months < 1 || q.months > 120)
        throw_usage("month over month: expected 1 to 120 months; got " + std::to_string(q.months));
    MonthOverMonth out;
    out.measure = q.scope.measure;
    out.by = q.scope.by;
    out.tag_key = q.scope.tag_key;
    const Period last = period_of(q.end);
    const Period first = add_months(last, -(q.months - 1));
    std::map<Window, Amounts> cache;
    auto of = [&](Day from, Day to) -> const Amounts& {
        auto it = cache.find({from, to});
        if (it == cache.end()) it = cache.emplace(Window{from, to}, src.amounts(from, to)).first;
        return it->second;
    };
    auto month_window = [&](Period p) {
        return Window{first_day(p), std::min(last_day(p), q.end)};
    };
    for (Period m = first; m <= last; m = add_months(m, 1)) {
        MomMonth mm;
        mm.month = m;
        const Window w = month_window(m);
        mm.coverage = cov.window(w.first, w.second);
        mm.status = cov.status(m);
        mm.partial = !mm.coverage.none() && (!mm.coverage.complete() || w.second < last_day(m));
        mm.compared = plan_comparison(cov, w.first, w.second, std::nullopt, format_period(m),
                                      format_period(add_months(m, -1)));
        out.months.push_back(std::move(mm));
    }

    // Every key of any window read (a key only the month before the first had is a change
    // too), ranked by the last month's amount.
    std::set<std::string> keys;
    for (const MomMonth& mm : out.months) {
        const Window w = month_window(mm.month);
        for (const Amounts* a :
             {&of(w.first, w.second), &of(mm.compared.current.from, mm.compared.current.to),
              &of(mm.compared.previous.from, mm.compared.previous.to)})
            for (const auto& [k, v] : *a)
                keys.insert(k);
    }
    const Window lw = month_window(last);
    const Amounts& latest = of(lw.first, lw.second);
    std::vector<std::string> ranked(keys.begin(), keys.end());
    auto last_amount = [&](const std::string& k) {
        auto it = latest.find(k);
        return it == latest.end() ? Amount(0) : it->second;
    };
    std::stable_sort(ranked.begin(), ranked.end(), [&](const std::string& a, const std::string& b) {
        return last_amount(a) > last_amount(b);
    });

    // A row's cells over `rcov`: the scope's coverage, or in a table by payer the row's payer's.
    auto row_of = [&](const std::set<std::string>& keys_of, std::string key, std::string label,
                      const ViewCoverage* own) {
        MomRow r;
        r.key = std::move(key);
        r.label = std::move(label);
        for (const MomMonth& mm : out.months) {
            MomCell c;
            const Window w = month_window(mm.month);
            WindowCoverage wc = mm.coverage;
            Comparison p = mm.compared;
            c.status = mm.status;
            c.partial = mm.partial;
            if (own) {
                wc = own->window(w.first, w.second);
                c.status = own->status(mm.month);
                c.partial = !wc.none() && (!wc.complete() || w.second < last_day(mm.month));
                p = plan_comparison(*own, w.first, w.second, std::nullopt, format_period(mm.month),
                                    format_period(add_months(mm.month, -1)));
            }
            if (!wc.none()) c.amount = sum_of(of(w.first, w.second), keys_of);
            c.now = sum_of(of(p.current.from, p.current.to), keys_of);
            c.previous = sum_of(of(p.previous.from, p.previous.to), keys_of);
            c.current = {p.current.from, p.current.to};
            c.previous_window = {p.previous.from, p.previous.to};
            p.now = c.now;
            p.before = c.previous;
            c.comparable = p.comparable();
            c.percent = p.verdict();
            r.cells.push_back(std::move(c));
        }
        return r;
    };
    const size_t shown = q.top && ranked.size() > q.top ? q.top : ranked.size();
    // By payer, a row's coverage is its payers' own: one payer's month not delivered yet is that
    // payer's gap, not the others'.
    const bool by_payer = q.scope.by == Dimension::payer;
    for (size_t i = 0; i < shown; ++i) {
        std::optional<ViewCoverage> own;
        if (by_payer) own = cov.of_payers({ranked[i]});
        out.rows.push_back(
            row_of({ranked[i]}, ranked[i], src.label(ranked[i]), own ? &*own : nullptr));
    }
    if (shown < ranked.size()) {
        const std::set<std::string> rest(ranked.begin() + static_cast<long>(shown), ranked.end());
        std::optional<ViewCoverage> own;
        if (by_payer) own = cov.of_payers(rest);
        out.other = row_of(rest, "other", "Other (" + std::to_string(ranked.size() - shown) + ")",
                           own ? &*own : nullptr);
    }
    out.total = row_of(keys, "total", "Total", nullptr);
    for (size_t i = 0; i < out.months.size(); ++i) {
        out.months[i].compared.now = out.total.cells[i].now;
        out.months[i].compared.before = out.total.cells[i].previous;
    }
    return out;
}

}  // namespace curcrunch::store
