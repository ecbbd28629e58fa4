#include "curcrunch/serve/dashboard.hpp"

#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "curcrunch/chart/svg_backend.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/report/audit.hpp"
#include "curcrunch/report/cost_cube.hpp"
#include "curcrunch/report/pdf_import.hpp"
#include "curcrunch/report/pdf_report.hpp"
#include "curcrunch/serve/assets.hpp"
#include "curcrunch/serve/html.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::serve {
namespace fs = std::filesystem;

bool is_loopback(const std::string& host) {
    return host == "127.0.0.1" || host == "::1" || host == "localhost" ||
           host.rfind("127.", 0) == 0;
}

namespace {

constexpr size_t kPageRows = 50;
const char* kCookie = "curcrunch_session";

std::string random_hex(size_t bytes) {
    std::vector<unsigned char> b(bytes);
    if (RAND_bytes(b.data(), static_cast<int>(bytes)) != 1)
        throw Error(ErrorKind::internal, "no randomness");
    std::string o;
    for (unsigned char c : b) {
        char h[3];
        std::snprintf(h, sizeof h, "%02x", c);
        o += h;
    }
    return o;
}

bool same_secret(const std::string& a, const std::string& b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string money(Amount a, const std::string& cur) {
    return report::money_text(a, cur);
}

std::string share(Amount part, Amount total) {
    return total == 0 ? "" : report::percent_change(part + total, total).substr(1);
}

// JSON helpers for the API.
std::string jmoney(Amount a) {
    return json_quote(to_plain_string(a));
}

std::string jlist(const std::vector<report::KeyAmount>& v, const char* key_name) {
    std::string o = "[";
    for (size_t i = 0; i < v.size(); ++i)
        o.append(i ? "," : "")
            .append("{\"")
            .append(key_name)
            .append("\":")
            .append(json_quote(v[i].key))
            .append(",\"label\":")
            .append(json_quote(v[i].label))
            .append(",\"cost\":")
            .append(jmoney(v[i].amount))
            .append("}");
    return o + "]";
}

std::string jparams(const ViewParams& v) {
    const report::ReportParams& p = v.report;
    auto list = [](const std::vector<std::string>& x) {
        std::string o = "[";
        for (size_t i = 0; i < x.size(); ++i)
            o.append(i ? "," : "").append(json_quote(x[i]));
        return o + "]";
    };
    std::string o = "{\"from\":" + json_quote(format_day(p.from)) +
                    ",\"to\":" + json_quote(format_day(p.to)) +
                    ",\"preset\":" + json_quote(p.preset) +
                    ",\"granularity\":" + json_quote(store::grain_name(p.granularity));
    o.append(",\"accounts\":").append(list(p.accounts)).append(",\"services\":");
    o.append(list(p.services)).append(",\"regions\":").append(list(p.regions));
    o.append(",\"min_cost\":").append(p.min_cost ? jmoney(*p.min_cost) : "null").append("}");
    return o;
}

std::vector<report::KeyAmount> visible(const std::vector<report::KeyAmount>& rows,
                                       const report::ReportParams& p) {
    std::vector<report::KeyAmount> out;
    for (const auto& r : rows)
        if (!p.min_cost || r.amount >= *p.min_cost || -r.amount >= *p.min_cost) out.push_back(r);
    return out;
}

// Sorts rows of cells by a column: numeric columns by the exact amount kept alongside.
struct Row {
    std::vector<std::string> cells;
    std::vector<Amount> numbers;  // per column; used for numeric sorting
};

void sort_rows(std::vector<Row>& rows, const std::vector<TableColumn>& cols, const std::string& key,
               bool desc) {
    size_t c = 0;
    while (c < cols.size() && cols[c].key != key)
        ++c;
    if (c == cols.size()) return;
    const bool numeric = cols[c].numeric;
    std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
        const bool less = numeric ? a.numbers[c] < b.numbers[c] : a.cells[c] < b.cells[c];
        const bool more = numeric ? a.numbers[c] > b.numbers[c] : a.cells[c] > b.cells[c];
        return desc ? more : less;
    });
}

}  // namespace

struct Dashboard::Impl {
    ServeOptions o;
    httplib::Server svr;
    std::string token, csrf_secret;
    std::mutex cube_m;
    std::shared_ptr<const report::CostCube> cube;
    std::mutex write_m;  // imports, one at a time
    chart::TextMetrics metrics;

    explicit Impl(ServeOptions opts) : o(std::move(opts)) {
        if (!fs::exists(o.db_path))
            throw_usage("serve: no store at " + o.db_path + " (run curcrunch ingest first)");
        // Schema upgrades happen here, once, before the read-only views start.
        store::Store::open(o.db_path);
        csrf_secret = random_hex(32);
        if (!is_loopback(o.host) || !o.token_file.empty()) {
            if (!o.token_file.empty()) {
                std::ifstream f(o.token_file);
                std::getline(f, token);
                while (!token.empty() && (token.back() == '\r' || token.back() == ' '))
                    token.pop_back();
                if (token.size() < 16)
                    throw_usage("--token-file " + o.token_file +
                                ": the token must be at least 16 characters");
            } else {
                token = random_hex(24);
            }
        }
        routes();
    }

    std::unique_ptr<store::Database> open_ro() {
        return std::make_unique<store::Database>(o.db_path, store::Database::Mode::read_only);
    }

    // The cube, reloaded when an ingest has landed since it was built.
    std::shared_ptr<const report::CostCube> current_cube(store::Database& db) {
        const int64_t v = report::store_version(db);
        std::lock_guard<std::mutex> l(cube_m);
        if (!cube || cube->version() != v) cube = report::CostCube::load(db);
        return cube;
    }

    std::string csrf_token() const {
        unsigned char mac[32];
        unsigned int len = 0;
        HMAC(EVP_sha256(), csrf_secret.data(), static_cast<int>(csrf_secret.size()),
             reinterpret_cast<const unsigned char*>("upload"), 6, mac, &len);
        std::string o;
        for (unsigned i = 0; i < len; ++i) {
            char h[3];
            std::snprintf(h, sizeof h, "%02x", mac[i]);
            o += h;
        }
        return o;
    }

    bool authorised(const httplib::Request& req) const {
        if (token.empty()) return true;
        const std::string cookies = req.get_header_value("Cookie");
        const std::string tag = std::string(kCookie) + "=";
        for (size_t i = 0; i < cookies.size();) {
            size_t j = cookies.find(';', i);
            if (j == std::string::npos) j = cookies.size();
            std::string c = cookies.substr(i, j - i);
            while (!c.empty() && c.front() == ' ')
                c.erase(0, 1);
            if (c.rfind(tag, 0) == 0 && same_secret(c.substr(tag.size()), token)) return true;
            i = j + 1;
        }
        return false;
    }

    static QueryParams params_of(const httplib::Request& req) {
        return QueryParams(req.params.begin(), req.params.end());
    }

    void html(httplib::Response& res, int status, const std::string& body) {
        res.status = status;
        res.set_content(body, "text/html; charset=utf-8");
    }
    void json(httplib::Response& res, int status, const std::string& body) {
        res.status = status;
        res.set_content(body, "application/json");
    }

    // A view: parse the filters (400 on a bad one), then render.
    using Render = std::function<std::string(const ViewParams&, store::Database&,
                                             const report::CostCube&, PageFrame&)>;
    void view(const std::string& path, const std::string& title, Render render) {
        svr.Get(path,
                [this, path, title, render](const httplib::Request& req, httplib::Response& res) {
                    PageFrame f;
                    f.title = title;
                    f.path = path;
                    ViewParams v;
                    try {
                        v = parse_view_params(params_of(req), today_utc());
                    } catch (const Error& e) {
                        v = parse_view_params({}, today_utc());
                        f.view = &v;
                        f.error = e.what();
                        return html(res, 400, page(f, ""));
                    }
                    f.view = &v;
                    auto db = open_ro();
                    auto c = current_cube(*db);
                    const std::string body = render(v, *db, *c, f);
                    html(res, 200, page(f, body));
                });
    }
    using ApiRender =
        std::function<std::string(const ViewParams&, store::Database&, const report::CostCube&)>;
    void api(const std::string& path, ApiRender render) {
        svr.Get(path, [this, render](const httplib::Request& req, httplib::Response& res) {
            ViewParams v;
            try {
                v = parse_view_params(params_of(req), today_utc());
            } catch (const Error& e) {
                return json(res, 400, "{\"error\":" + json_quote(e.what()) + "}");
            }
            auto db = open_ro();
            auto c = current_cube(*db);
            json(res, 200, render(v, *db, *c));
        });
    }

    std::vector<Crumb> crumbs(const std::string& path, const ViewParams& v) {
        std::vector<Crumb> c = {
            {"All costs", path + query_string(v, {{"preset", "last-12-months"}},
                                              {"account", "service", "region", "granularity"})}};
        const report::ReportParams& p = v.report;
        std::string label =
            v.explicit_dates ? format_day(p.from) + " to " + format_day(p.to) : p.preset;
        if (v.explicit_dates && p.from == first_day(period_of(p.from)) &&
            p.to == last_day(period_of(p.from)))
            label = format_period(period_of(p.from));
        c.push_back({label, p.services.empty() && p.accounts.empty()
                                ? ""
                                : path + query_string(v, {}, {"service", "account"})});
        for (const auto& s : p.services)
            c.push_back({"service " + s, ""});
        for (const auto& a : p.accounts)
            c.push_back({"account " + a, ""});
        for (size_t i = 0; i + 1 < c.size(); ++i)
            if (c[i].href.empty()) c[i].href = path + query_string(v, {}, {"service", "account"});
        c.back().href.clear();
        return c;
    }

    static std::string figure(const chart::Scene& s) {
        return "<figure>" + chart::to_svg(s) + "</figure>\n";
    }

    // Links that zoom: a month of the monthly trend opens its days.
    chart::Scene monthly(const report::ReportData& d, const ViewParams& v) {
        return report::monthly_trend_chart(d, metrics, 560, [&](const std::string& month) {
            const Period p = *parse_period(month);
            return "/trends" + query_string(v,
                                            {{"from", format_day(first_day(p))},
                                             {"to", format_day(last_day(p))},
                                             {"granularity", ""}},
                                            {"sort", "dir", "page"});
        });
    }

    // ... and a service bar filters to that service.
    chart::Scene services_bar(const report::ReportData& d, const ViewParams& v) {
        return report::service_bar_chart(d, metrics, 560, [&](const std::string& code) {
            return "/services" + query_string(v, {{"service", code}}, {"sort", "dir", "page"});
        });
    }

    // The figures of a view, cached per filters and store version: pages, their API twins and
    // sorting or paging through a table all reuse one computation.
    std::mutex cache_m;
    std::map<std::string, std::shared_ptr<const report::ReportData>> cache;
    int64_t cache_version = -1;

    const report::ReportData& data(store::Database& db, const report::CostCube& c,
                                   const ViewParams& v) {
        thread_local std::shared_ptr<const report::ReportData> held;  // keeps the entry alive
        const std::string key =
            query_string(v, {}, {"sort", "dir", "page"}) + "|" + format_day(v.report.as_of);
        {
            std::lock_guard<std::mutex> l(cache_m);
            if (cache_version != c.version()) {
                cache.clear();
                cache_version = c.version();
            }
            if (auto it = cache.find(key); it != cache.end()) return *(held = it->second);
        }
        report::Sections s;
        s.line_items = false;
        s.recommendations = false;
        s.sources = false;
        s.fingerprint = false;
        auto d =
            std::make_shared<const report::ReportData>(report::gather_report(db, v.report, &c, s));
        std::lock_guard<std::mutex> l(cache_m);
        if (cache.size() >= 256) cache.clear();  // a simple bound; entries are cheap to redo
        cache[key] = d;
        return *(held = d);
    }

    std::string kpis(const report::ReportData& d) {
        const std::string& c = d.currency;
        std::string o = "<section class=\"kpis\" aria-label=\"Key figures\">";
        auto kpi = [&](const std::string& l, const std::string& val, const std::string& note) {
            o += "<div class=\"kpi\"><div class=\"label\">" + esc(l) +
                 "</div><div class=\"value\">" + esc(val) + "</div><div class=\"note\">" +
                 esc(note) + "</div></div>";
        };
        kpi("Total cost", money(d.totals.total, c),
            format_day(d.params.from) + " to " + format_day(d.params.to));
        kpi("vs the previous period", report::percent_change(d.totals.total, d.prev_total),
            money(d.totals.total - d.prev_total, c) + " against " + money(d.prev_total, c));
        if (d.forecast)
            kpi("Forecast for " + format_period(period_of(d.params.as_of)) + " (estimate)",
                money(*d.forecast, c),
                "linear from " + money(*d.month_to_date, c) + " in " +
                    std::to_string(d.forecast_days_seen) + " of " +
                    std::to_string(d.forecast_days_in_month) + " days");
        kpi("Anomalous days", std::to_string(d.anomalies.size()),
            "robust z > 3.5 and over $25 from the 28-day median");
        kpi("Data through", d.data_through ? format_day(d.data_through) : "no data",
            d.last_ingest.empty() ? "" : "last ingest " + d.last_ingest);
        return o + "</section>\n";
    }

    std::string overview(const ViewParams& v, store::Database& db, const report::CostCube& c,
                         PageFrame& f) {
        f.crumbs = crumbs("/", v);
        const report::ReportData& d = data(db, c, v);
        std::string o = kpis(d);
        o += "<div class=\"charts\">" + figure(monthly(d, v)) + figure(services_bar(d, v)) +
             "</div>\n";
        // The top ten by cost, then sorted as the headers ask.
        const std::string sort = v.sort.empty() ? "cost" : v.sort;
        const bool desc = v.sort.empty() || v.descending;
        auto top_table = [&](const std::vector<report::KeyAmount>& all, bool accounts) {
            const std::string name_key = accounts ? "account" : "service";
            const std::vector<TableColumn> cols = {{name_key, accounts ? "Account" : "Service"},
                                                   {"cost", "Cost", true},
                                                   {"share", "Share", true}};
            std::vector<std::pair<std::string, Row>> rows;  // label (text sort key), row
            auto shown = visible(all, v.report);
            for (size_t i = 0; i < shown.size() && i < 10; ++i) {
                const auto& k = shown[i];
                const std::string label = accounts ? d.account_label(k.key) : k.label;
                rows.push_back(
                    {label,
                     {{"<a href=\"" +
                           esc((accounts ? "/accounts" : "/services") +
                               query_string(v, {{name_key, k.key}}, {"sort", "dir", "page"})) +
                           "\">" + esc(label) + "</a>",
                       esc(money(k.amount, d.currency)), esc(share(k.amount, d.totals.total))},
                      {0, k.amount, k.amount}}});
            }
            std::stable_sort(rows.begin(), rows.end(), [&](const auto& x, const auto& y) {
                if (sort == name_key) return desc ? x.first > y.first : x.first < y.first;
                return desc ? x.second.numbers[1] > y.second.numbers[1]
                            : x.second.numbers[1] < y.second.numbers[1];
            });
            std::vector<std::vector<std::string>> cells;
            for (auto& r : rows)
                cells.push_back(r.second.cells);
            return sortable_table(accounts ? "Top accounts" : "Top services", "/", v, cols, cells,
                                  sort, desc);
        };
        o += top_table(d.services, false) + top_table(d.accounts, true);
        o += "<table>\n<caption>Anomalous days (usage cost)</caption>\n<thead><tr><th "
             "scope=\"col\">Day</th><th scope=\"col\" class=\"num\">Usage cost</th><th "
             "scope=\"col\" class=\"num\">28-day median</th></tr></thead>\n<tbody>\n";
        for (const auto& a : d.anomalies)
            o += "<tr><td>" + esc(d.trend[a.index].key) + "</td><td class=\"num\">" +
                 esc(money(a.value, d.currency)) + "</td><td class=\"num\">" +
                 esc(money(a.median, d.currency)) + "</td></tr>\n";
        if (d.anomalies.empty()) o += "<tr><td colspan=\"3\">None in this period.</td></tr>\n";
        return o + "</tbody>\n</table>\n";
    }

    std::string trends(const ViewParams& v, store::Database& db, const report::CostCube& c,
                       PageFrame& f) {
        f.crumbs = crumbs("/trends", v);
        const report::ReportData& d = data(db, c, v);
        std::string o = kpis(d) + "<div class=\"charts\">" + figure(monthly(d, v)) +
                        figure(report::trend_chart(d, metrics, 560)) + "</div>\n";
        std::vector<Row> rows;
        for (const auto& k : d.trend)
            rows.push_back({{esc(k.key), esc(money(k.amount, d.currency))}, {0, k.amount}});
        const std::vector<TableColumn> cols = {{"bucket", "Period"}, {"cost", "Cost", true}};
        sort_rows(rows, cols, v.sort, v.descending);
        return o + paged_table("Cost by " + std::string(store::grain_name(v.report.granularity)),
                               "/trends", v, cols, rows);
    }

    std::string paged_table(const std::string& caption, const std::string& path,
                            const ViewParams& v, const std::vector<TableColumn>& cols,
                            const std::vector<Row>& rows) {
        const size_t pages = std::max<size_t>(1, (rows.size() + kPageRows - 1) / kPageRows);
        const size_t pg = std::min<size_t>(static_cast<size_t>(v.page), pages);
        std::vector<std::vector<std::string>> cells;
        for (size_t i = (pg - 1) * kPageRows; i < rows.size() && i < pg * kPageRows; ++i)
            cells.push_back(rows[i].cells);
        std::string o = "<div class=\"table-wrap\">" +
                        sortable_table(caption, path, v, cols, cells, v.sort, v.descending) +
                        "</div>";
        if (pages > 1) {
            o += "<nav class=\"pager\" aria-label=\"Pages\">";
            if (pg > 1)
                o += "<a rel=\"prev\" href=\"" +
                     esc(path + query_string(v, {{"page", std::to_string(pg - 1)}})) +
                     "\">Previous</a>";
            o += "<span>page " + std::to_string(pg) + " of " + std::to_string(pages) + " (" +
                 std::to_string(rows.size()) + " rows)</span>";
            if (pg < pages)
                o += "<a rel=\"next\" href=\"" +
                     esc(path + query_string(v, {{"page", std::to_string(pg + 1)}})) +
                     "\">Next</a>";
            o += "</nav>\n";
        }
        return o;
    }

    std::string services_page(const ViewParams& v, store::Database& db, const report::CostCube& c,
                              PageFrame& f) {
        f.crumbs = crumbs("/services", v);
        const report::ReportData& d = data(db, c, v);
        std::string o = "<div class=\"charts\">" + figure(services_bar(d, v)) +
                        figure(report::service_pie_chart(d, metrics, 560)) + "</div>\n";
        std::vector<Row> rows;
        for (const auto& k : visible(d.services, v.report)) {
            auto prev = d.prev_services.find(k.key);
            const Amount before = prev == d.prev_services.end() ? 0 : prev->second;
            rows.push_back({{"<a href=\"" +
                                 esc("/services" + query_string(v, {{"service", k.key}},
                                                                {"sort", "dir", "page"})) +
                                 "\">" + esc(k.label) + "</a>",
                             esc(k.key), esc(money(k.amount, d.currency)),
                             esc(share(k.amount, d.totals.total)),
                             esc(report::percent_change(k.amount, before))},
                            {0, 0, k.amount, k.amount, k.amount - before}});
        }
        const std::vector<TableColumn> cols = {{"name", "Service"},
                                               {"code", "Code"},
                                               {"cost", "Cost", true},
                                               {"share", "Share", true},
                                               {"change", "vs previous", true}};
        sort_rows(rows, cols, v.sort.empty() ? "cost" : v.sort, v.sort.empty() || v.descending);
        return o + paged_table("Cost by service", "/services", v, cols, rows);
    }

    std::string compare_page(const ViewParams& v, store::Database& db, const report::CostCube& c,
                             PageFrame& f) {
        f.crumbs = crumbs("/compare", v);
        const report::ReportData& d = data(db, c, v);
        std::string o =
            "<p>This period " + esc(format_day(d.params.from)) + " to " +
            esc(format_day(d.params.to)) + " (" + esc(money(d.totals.total, d.currency)) +
            ") against " + esc(format_day(d.prev_from)) + " to " + esc(format_day(d.prev_to)) +
            " (" + esc(money(d.prev_total, d.currency)) +
            "): " + esc(report::percent_change(d.totals.total, d.prev_total)) + ".</p>\n";
        o += "<form class=\"filters\" method=\"get\" action=\"/compare\">";
        for (const auto& [k, val] : std::vector<std::pair<std::string, std::string>>{
                 {"from", format_day(v.report.from)}, {"to", format_day(v.report.to)}})
            o += "<input type=\"hidden\" name=\"" + k + "\" value=\"" + val + "\">";
        for (const auto& a : v.report.accounts)
            o += "<input type=\"hidden\" name=\"account\" value=\"" + esc(a) + "\">";
        for (const auto& sv : v.report.services)
            o += "<input type=\"hidden\" name=\"service\" value=\"" + esc(sv) + "\">";
        if (v.report.as_of != today_utc())
            o += "<input type=\"hidden\" name=\"as_of\" value=\"" + format_day(v.report.as_of) +
                 "\">";
        o += "<label>Compare with <input type=\"date\" name=\"vs_from\" value=\"" +
             format_day(d.prev_from) +
             "\"></label><label>to <input type=\"date\" "
             "name=\"vs_to\" value=\"" +
             format_day(d.prev_to) + "\"></label><button type=\"submit\">Compare</button></form>\n";
        o += figure(report::service_change_chart(d, metrics, 1000));
        auto table = [&](report::ChangeOf what) {
            const bool accounts = what == report::ChangeOf::accounts;
            std::vector<Row> rows;
            for (const report::Change& ch : report::period_changes(d, what)) {
                const Amount diff = ch.delta();
                rows.push_back({{esc(ch.label), esc(money(ch.previous, d.currency)),
                                 esc(money(ch.current, d.currency)), esc(money(diff, d.currency)),
                                 esc(report::percent_change(ch.current, ch.previous))},
                                {0, ch.previous, ch.current, diff < 0 ? -diff : diff, diff}});
            }
            const std::vector<TableColumn> cols = {{"name", accounts ? "Account" : "Service"},
                                                   {"previous", "Previous", true},
                                                   {"current", "This period", true},
                                                   {"change", "Change", true},
                                                   {"pct", "Change %", true}};
            const std::string sort = v.sort.empty() ? "change" : v.sort;
            sort_rows(rows, cols, sort, v.sort.empty() || v.descending);
            std::vector<std::vector<std::string>> cells;
            for (const auto& r : rows)
                cells.push_back(r.cells);
            return sortable_table(accounts ? "By account" : "By service", "/compare", v, cols,
                                  cells, sort, v.sort.empty() || v.descending);
        };
        return o + table(report::ChangeOf::services) + table(report::ChangeOf::accounts);
    }

    std::string accounts_page(const ViewParams& v, store::Database& db, const report::CostCube& c,
                              PageFrame& f) {
        f.crumbs = crumbs("/accounts", v);
        const report::ReportData& d = data(db, c, v);
        std::string o = figure(report::account_bar_chart(d, metrics, 1000));
        std::vector<Row> rows;
        for (const auto& k : visible(d.accounts, v.report)) {
            auto prev = d.prev_accounts.find(k.key);
            const Amount before = prev == d.prev_accounts.end() ? 0 : prev->second;
            auto name = d.account_names.find(k.key);
            rows.push_back({{"<a href=\"" +
                                 esc("/accounts" + query_string(v, {{"account", k.key}},
                                                                {"sort", "dir", "page"})) +
                                 "\">" + esc(k.key) + "</a>",
                             esc(name == d.account_names.end() ? "" : name->second),
                             esc(money(k.amount, d.currency)), esc(share(k.amount, d.totals.total)),
                             esc(report::percent_change(k.amount, before))},
                            {0, 0, k.amount, k.amount, k.amount - before}});
        }
        const std::vector<TableColumn> cols = {{"account", "Account"},
                                               {"name", "Name"},
                                               {"cost", "Cost", true},
                                               {"share", "Share", true},
                                               {"change", "vs previous", true}};
        sort_rows(rows, cols, v.sort.empty() ? "cost" : v.sort, v.sort.empty() || v.descending);
        return o + paged_table("Per-account breakdown", "/accounts", v, cols, rows);
    }

    std::vector<Row> line_rows(const ViewParams& v, store::Database& db, const report::CostCube& c,
                               const std::string& cur) {
        std::vector<Row> rows;
        for (const auto& li : report::line_items(db, v.report, &c, 0)) {
            if (v.report.min_cost && li.cost < *v.report.min_cost) continue;
            rows.push_back(
                {{esc(li.service), esc(li.usage_type), esc(li.description),
                  esc(format_money(li.quantity, 2)), esc(li.unit),
                  esc(li.rate ? format_money(*li.rate, 4) : ""), esc(money(li.cost, cur))},
                 {0, 0, 0, li.quantity, 0, li.rate.value_or(0), li.cost}});
        }
        return rows;
    }

    static const std::vector<TableColumn>& line_cols() {
        static const std::vector<TableColumn> cols = {{"service", "Service"},
                                                      {"usage_type", "Usage type"},
                                                      {"description", "Description"},
                                                      {"quantity", "Quantity", true},
                                                      {"unit", "Unit"},
                                                      {"rate", "Rate", true},
                                                      {"cost", "Cost", true}};
        return cols;
    }

    std::string line_items_page(const ViewParams& v, store::Database& db, const report::CostCube& c,
                                PageFrame& f) {
        f.crumbs = crumbs("/line-items", v);
        auto rows = line_rows(v, db, c, "USD");
        sort_rows(rows, line_cols(), v.sort.empty() ? "cost" : v.sort,
                  v.sort.empty() || v.descending);
        ViewParams shown = v;
        if (shown.sort.empty()) shown.sort = "cost";
        return paged_table("Line items", "/line-items", shown, line_cols(), rows);
    }

    std::string archive_page(const ViewParams& v, store::Database& db, const report::CostCube& c,
                             PageFrame& f, const std::string& notice = "") {
        std::string o = notice;
        o += "<form class=\"upload\" method=\"post\" action=\"/archive/upload\" "
             "enctype=\"multipart/form-data\">\n<input type=\"hidden\" name=\"csrf\" value=\"" +
             csrf_token() +
             "\">\n<label>Import PDF reports or invoices <input type=\"file\" name=\"pdf\" "
             "accept=\"application/pdf\" multiple required></label>\n<button "
             "type=\"submit\">Import</button>\n</form>\n";
        std::map<std::string, report::AuditResult> audits;
        for (auto& a : report::audit_reports(db, "", kUnit / 100, &c))
            audits[a.report_id] = std::move(a);
        std::vector<Row> rows;
        for (const auto& r : report::list_archive(db)) {
            std::string audit;
            if (r.kind == "report") {
                auto it = audits.find(r.report_id);
                audit = it == audits.end() ? ""
                        : it->second.differences.empty()
                            ? "matches today's data"
                            : "<span class=\"flag\">" +
                                  std::to_string(it->second.differences.size()) +
                                  " difference(s)</span>";
                if (it != audits.end())
                    for (const auto& d : it->second.differences)
                        audit +=
                            "<br>" + esc(d.kind + " " + d.key + ": " + format_money(d.reported) +
                                         " \u2192 " + format_money(d.current));
            }
            rows.push_back({{esc(r.imported_at), esc(r.kind),
                             esc(r.report_id.empty() ? r.invoice_id : r.report_id),
                             esc(fs::path(r.path).filename().string()), esc(r.title),
                             std::to_string(r.pages), audit},
                            {0, 0, 0, 0, 0, r.pages * kUnit, 0}});
        }
        f.crumbs.clear();
        const std::vector<TableColumn> cols = {{"imported", "Imported"},   {"kind", "Kind"},
                                               {"id", "Report / invoice"}, {"file", "File"},
                                               {"title", "Title"},         {"pages", "Pages", true},
                                               {"audit", "Audit"}};
        const std::string sort = v.sort.empty() ? "imported" : v.sort;
        sort_rows(rows, cols, sort, v.sort.empty() || v.descending);
        std::vector<std::vector<std::string>> cells;
        for (const auto& r : rows)
            cells.push_back(r.cells);
        return o + sortable_table("Archive", "/archive", *f.view, cols, cells, sort,
                                  v.sort.empty() || v.descending);
    }

    // --- JSON ------------------------------------------------------------------------------
    std::string api_overview(const ViewParams& v, store::Database& db, const report::CostCube& c) {
        const report::ReportData& d = data(db, c, v);
        std::string o = "{\"parameters\":" + jparams(v) + ",\"currency\":" + json_quote(d.currency);
        o.append(",\"total\":").append(jmoney(d.totals.total));
        o.append(",\"previous\":{\"from\":").append(json_quote(format_day(d.prev_from)));
        o.append(",\"to\":").append(json_quote(format_day(d.prev_to)));
        o.append(",\"total\":").append(jmoney(d.prev_total)).append("}");
        o.append(",\"forecast\":").append(d.forecast ? jmoney(*d.forecast) : "null");
        o.append(",\"top_services\":").append(jlist(visible(d.services, v.report), "service"));
        o.append(",\"top_accounts\":").append(jlist(visible(d.accounts, v.report), "account"));
        o.append(",\"anomalies\":[");
        for (size_t i = 0; i < d.anomalies.size(); ++i)
            o.append(i ? "," : "")
                .append("{\"day\":")
                .append(json_quote(d.trend[d.anomalies[i].index].key))
                .append(",\"usage_cost\":")
                .append(jmoney(d.anomalies[i].value))
                .append(",\"median\":")
                .append(jmoney(d.anomalies[i].median))
                .append("}");
        return o + "]}";
    }
    std::string api_trends(const ViewParams& v, store::Database& db, const report::CostCube& c) {
        const report::ReportData& d = data(db, c, v);
        return "{\"parameters\":" + jparams(v) + ",\"months\":" + jlist(d.months, "month") +
               ",\"trend\":" + jlist(d.trend, "bucket") + "}";
    }
    std::string api_services(const ViewParams& v, store::Database& db, const report::CostCube& c) {
        const report::ReportData& d = data(db, c, v);
        return "{\"parameters\":" + jparams(v) + ",\"total\":" + jmoney(d.totals.total) +
               ",\"services\":" + jlist(visible(d.services, v.report), "service") + "}";
    }
    std::string api_accounts(const ViewParams& v, store::Database& db, const report::CostCube& c) {
        const report::ReportData& d = data(db, c, v);
        auto list = visible(d.accounts, v.report);
        for (auto& k : list)
            if (auto it = d.account_names.find(k.key); it != d.account_names.end())
                k.label = it->second;
        return "{\"parameters\":" + jparams(v) + ",\"total\":" + jmoney(d.totals.total) +
               ",\"accounts\":" + jlist(list, "account") + "}";
    }
    std::string api_compare(const ViewParams& v, store::Database& db, const report::CostCube& c) {
        const report::ReportData& d = data(db, c, v);
        auto changes = [&](report::ChangeOf what, const char* key) {
            std::string o = "[";
            for (const report::Change& ch : report::period_changes(d, what))
                o.append(o.size() > 1 ? "," : "")
                    .append("{\"")
                    .append(key)
                    .append("\":")
                    .append(json_quote(ch.key))
                    .append(",\"current\":")
                    .append(jmoney(ch.current))
                    .append(",\"previous\":")
                    .append(jmoney(ch.previous))
                    .append(",\"change\":")
                    .append(jmoney(ch.delta()))
                    .append("}");
            return o + "]";
        };
        return "{\"parameters\":" + jparams(v) + ",\"current\":" + jmoney(d.totals.total) +
               ",\"previous\":{\"from\":" + json_quote(format_day(d.prev_from)) +
               ",\"to\":" + json_quote(format_day(d.prev_to)) +
               ",\"total\":" + jmoney(d.prev_total) +
               "},\"services\":" + changes(report::ChangeOf::services, "service") +
               ",\"accounts\":" + changes(report::ChangeOf::accounts, "account") + "}";
    }
    std::string api_line_items(const ViewParams& v, store::Database& db,
                               const report::CostCube& c) {
        std::vector<report::LineItem> items = report::line_items(db, v.report, &c, 0);
        const size_t from = (static_cast<size_t>(v.page) - 1) * kPageRows;
        std::string o = "{\"parameters\":" + jparams(v) +
                        ",\"rows\":" + std::to_string(items.size()) +
                        ",\"page\":" + std::to_string(v.page) + ",\"line_items\":[";
        for (size_t i = from; i < items.size() && i < from + kPageRows; ++i) {
            const auto& li = items[i];
            o.append(i > from ? "," : "")
                .append("{\"service\":")
                .append(json_quote(li.service))
                .append(",\"usage_type\":")
                .append(json_quote(li.usage_type))
                .append(",\"description\":")
                .append(json_quote(li.description))
                .append(",\"quantity\":")
                .append(jmoney(li.quantity))
                .append(",\"unit\":")
                .append(json_quote(li.unit))
                .append(",\"rate\":")
                .append(li.rate ? jmoney(*li.rate) : "null")
                .append(",\"cost\":")
                .append(jmoney(li.cost))
                .append("}");
        }
        return o + "]}";
    }
    std::string api_archive(const ViewParams&, store::Database& db, const report::CostCube& c) {
        std::map<std::string, size_t> diffs;
        for (const auto& a : report::audit_reports(db, "", kUnit / 100, &c))
            diffs[a.report_id] = a.differences.size();
        std::string o = "{\"documents\":[";
        bool first = true;
        for (const auto& r : report::list_archive(db)) {
            o.append(first ? "" : ",")
                .append("{\"sha256\":")
                .append(json_quote(r.sha256))
                .append(",\"kind\":")
                .append(json_quote(r.kind))
                .append(",\"report_id\":")
                .append(json_quote(r.report_id))
                .append(",\"invoice_id\":")
                .append(json_quote(r.invoice_id))
                .append(",\"pages\":")
                .append(std::to_string(r.pages))
                .append(",\"audit_differences\":")
                .append(r.kind == "report" && diffs.count(r.report_id)
                            ? std::to_string(diffs[r.report_id])
                            : "null")
                .append("}");
            first = false;
        }
        return o + "]}";
    }

    // --- uploads ---------------------------------------------------------------------------
    // A file name from a browser, reduced to its last path component and printable
    // characters (the library passes "../" through as sent).
    static std::string safe_name(const std::string& raw) {
        std::string n = raw;
        if (size_t slash = n.find_last_of("/\\"); slash != std::string::npos)
            n = n.substr(slash + 1);
        std::string out;
        for (unsigned char c : n)
            if (c >= 0x20 && c != 0x7F) out.push_back(static_cast<char>(c));
        while (!out.empty() && out.front() == '.')
            out.erase(0, 1);
        if (out.size() > 120) out.resize(120);
        return out.empty() ? "upload.pdf" : out;
    }

    void upload(const httplib::Request& req, httplib::Response& res) {
        ViewParams v = parse_view_params({}, today_utc());
        PageFrame f;
        f.title = "Archive";
        f.path = "/archive";
        f.view = &v;
        auto fail = [&](int status, const std::string& msg) {
            f.error = msg;
            auto db = open_ro();
            auto c = current_cube(*db);
            html(res, status, page(f, archive_page(v, *db, *c, f)));
        };
        // Same-origin check and CSRF token.
        const std::string origin = req.get_header_value("Origin");
        const std::string host = req.get_header_value("Host");
        if (!origin.empty() && origin != "http://" + host)
            return fail(403, "The upload came from another site (" + origin + ").");
        std::string csrf;
        if (req.has_file("csrf")) csrf = req.get_file_value("csrf").content;
        if (!same_secret(csrf, csrf_token()))
            return fail(403,
                        "The upload form has expired or did not come from this page; reload "
                        "the page and try again.");
        std::string notice;
        size_t n = 0;
        auto [a, b] = req.files.equal_range("pdf");
        std::lock_guard<std::mutex> l(write_m);
        auto store = store::Store::open(o.db_path);
        for (auto it = a; it != b; ++it) {
            ++n;
            const std::string name = safe_name(it->second.filename);
            if (it->second.content.size() > o.max_upload_bytes) {
                notice += "<p class=\"error\">" + esc(name) + ": larger than the upload limit</p>";
                continue;
            }
            auto out = report::import_pdf_bytes(store->db(), "upload/" + name, it->second.content,
                                                std::nullopt);
            using S = report::ImportOutcome::Status;
            if (out.status == S::failed)
                notice += "<p class=\"error\">" + esc(name) + ": not imported: " + esc(out.error) +
                          "</p>";
            else
                notice +=
                    "<p class=\"ok\">" + esc(name) + ": " +
                    (out.status == S::imported ? "imported as " : "already in the archive as ") +
                    esc(out.kind + (out.report_id.empty() ? "" : " " + out.report_id)) + "</p>";
        }
        if (n == 0) return fail(400, "No file was uploaded.");
        auto db = open_ro();
        auto c = current_cube(*db);
        html(res, 200, page(f, archive_page(v, *db, *c, f, notice)));
    }

    void pdf(const httplib::Request& req, httplib::Response& res) {
        ViewParams v;
        try {
            v = parse_view_params(params_of(req), today_utc());
        } catch (const Error& e) {
            return html(res, 400, "<!doctype html><p>" + esc(e.what()) + "</p>");
        }
        auto db = open_ro();
        report::ReportData d = report::gather_report(*db, v.report);
        const std::string tmp =
            (fs::temp_directory_path() / ("curcrunch-" + random_hex(8) + ".pdf")).string();
        auto w = report::write_report(d, tmp, std::nullopt);
        std::ifstream in(tmp, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        fs::remove(tmp);
        res.set_header("Content-Disposition", "attachment; filename=\"curcrunch-report-" +
                                                  format_day(v.report.from) + "-" +
                                                  format_day(v.report.to) + ".pdf\"");
        res.set_content(ss.str(), "application/pdf");
    }

    void login_page(httplib::Response& res, int status, const std::string& error) {
        PageFrame f;
        f.title = "Sign in";
        f.path = "/login";
        f.error = error;
        html(res, status,
             page(f,
                  "<form method=\"post\" action=\"/login\"><label>Access token <input "
                  "type=\"password\" name=\"token\" autocomplete=\"current-password\" "
                  "required></label> <button type=\"submit\">Sign in</button></form>\n<p>The "
                  "token was printed when <code>curcrunch serve</code> started (or is in its "
                  "--token-file).</p>"));
    }

    void routes() {
        svr.set_payload_max_length(o.max_upload_bytes * 4 + (1u << 20));
        svr.set_keep_alive_timeout(2);  // idle browser connections do not hold up a shutdown
        // Without TCP_NODELAY small responses wait ~40 ms for a delayed ACK (Nagle).
        svr.set_tcp_nodelay(true);
        svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
            if (req.path == "/login" || req.path.rfind("/static/", 0) == 0 || authorised(req))
                return httplib::Server::HandlerResponse::Unhandled;
            if (req.path.rfind("/api/", 0) == 0)
                json(res, 401, "{\"error\":\"sign in first: POST /login with the access token\"}");
            else
                login_page(res, 401, "");
            return httplib::Server::HandlerResponse::Handled;
        });
        svr.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
            res.set_header("Content-Security-Policy",
                           "default-src 'none'; style-src 'self'; script-src 'self'; img-src "
                           "'self' data:; form-action 'self'; frame-ancestors 'none'; "
                           "base-uri 'none'");
            res.set_header("X-Content-Type-Options", "nosniff");
            res.set_header("X-Frame-Options", "DENY");
            // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on
            // form posts, and the upload checks the origin.
            res.set_header("Referrer-Policy", "same-origin");
            res.set_header("Cache-Control", "no-store");
        });
        svr.set_exception_handler(
            [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
                std::string msg = "internal error";
                int status = 500;
                try {
                    std::rethrow_exception(ep);
                } catch (const Error& e) {
                    msg = e.what();
                    status = e.kind() == ErrorKind::usage ? 400 : 500;
                } catch (const std::exception& e) {
                    msg = e.what();
                }
                log::error("serve " + req.path + ": " + msg);
                if (req.path.rfind("/api/", 0) == 0)
                    json(res, status, "{\"error\":" + json_quote(msg) + "}");
                else
                    html(res, status, "<!doctype html><title>Error</title><p>" + esc(msg) + "</p>");
            });
        svr.Get("/static/style.css", [](const httplib::Request&, httplib::Response& res) {
            res.set_content(kStyleCss, "text/css");
        });
        svr.Get("/static/app.js", [](const httplib::Request&, httplib::Response& res) {
            res.set_content(kAppJs, "application/javascript");
        });
        // Browsers ask for an icon on every visit; there is none.
        svr.Get("/favicon.ico",
                [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
        svr.Get("/login", [this](const httplib::Request&, httplib::Response& res) {
            if (token.empty()) {
                res.set_redirect("/");
                return;
            }
            login_page(res, 200, "");
        });
        svr.Post("/login", [this](const httplib::Request& req, httplib::Response& res) {
            if (token.empty()) return res.set_redirect("/");
            if (!same_secret(req.get_param_value("token"), token))
                return login_page(res, 401, "That is not the access token.");
            res.set_header("Set-Cookie", std::string(kCookie) + "=" + token +
                                             "; HttpOnly; SameSite=Strict; Path=/");
            res.set_redirect("/", 303);
        });
        view("/", "Overview",
             [this](auto& v, auto& db, auto& c, auto& f) { return overview(v, db, c, f); });
        view("/trends", "Cost trends",
             [this](auto& v, auto& db, auto& c, auto& f) { return trends(v, db, c, f); });
        view("/services", "Cost by service",
             [this](auto& v, auto& db, auto& c, auto& f) { return services_page(v, db, c, f); });
        view("/compare", "Comparison with the previous period",
             [this](auto& v, auto& db, auto& c, auto& f) { return compare_page(v, db, c, f); });
        view("/accounts", "Accounts",
             [this](auto& v, auto& db, auto& c, auto& f) { return accounts_page(v, db, c, f); });
        view("/line-items", "Line items",
             [this](auto& v, auto& db, auto& c, auto& f) { return line_items_page(v, db, c, f); });
        view("/archive", "Archive",
             [this](auto& v, auto& db, auto& c, auto& f) { return archive_page(v, db, c, f); });
        api("/api/overview", [this](auto& v, auto& db, auto& c) { return api_overview(v, db, c); });
        api("/api/trends", [this](auto& v, auto& db, auto& c) { return api_trends(v, db, c); });
        api("/api/services", [this](auto& v, auto& db, auto& c) { return api_services(v, db, c); });
        api("/api/compare", [this](auto& v, auto& db, auto& c) { return api_compare(v, db, c); });
        api("/api/accounts", [this](auto& v, auto& db, auto& c) { return api_accounts(v, db, c); });
        api("/api/line-items",
            [this](auto& v, auto& db, auto& c) { return api_line_items(v, db, c); });
        api("/api/archive", [this](auto& v, auto& db, auto& c) { return api_archive(v, db, c); });
        svr.Post("/archive/upload",
                 [this](const httplib::Request& req, httplib::Response& res) { upload(req, res); });
        svr.Get("/report.pdf",
                [this](const httplib::Request& req, httplib::Response& res) { pdf(req, res); });
    }
};

Dashboard::Dashboard(ServeOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Dashboard::~Dashboard() {
    stop();
}

int Dashboard::bind() {
    const ServeOptions& o = impl_->o;
    int port = o.port;
    if (port == 0) {
        port = impl_->svr.bind_to_any_port(o.host);
        if (port < 0) throw_usage("serve: cannot listen on " + o.host);
    } else if (!impl_->svr.bind_to_port(o.host, port)) {
        throw_usage("serve: cannot listen on " + o.host + ":" + std::to_string(port) +
                    " (in use, or not an address of this machine)");
    }
    return port;
}

void Dashboard::run() {
    impl_->svr.listen_after_bind();
}
void Dashboard::stop() {
    if (impl_) impl_->svr.stop();
}
bool Dashboard::token_required() const {
    return !impl_->token.empty();
}
const std::string& Dashboard::token() const {
    return impl_->token;
}

}  // namespace curcrunch::serve
