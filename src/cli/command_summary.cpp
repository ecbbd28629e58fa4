// curcrunch summary: cost rollups from the store (store/query.hpp), as a table, CSV or JSON.
#include <cstdio>
#include <map>

#include "anomaly_listing.hpp"
#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/cli/output.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/report/cell_text.hpp"
#include "curcrunch/report/tie_out.hpp"
#include "curcrunch/store/currency_scope.hpp"
#include "curcrunch/store/filter_values.hpp"
#include "curcrunch/store/payer_ids.hpp"
#include "curcrunch/store/query.hpp"
#include "curcrunch/store/store.hpp"
#include "curcrunch/store/view_coverage.hpp"
#include "mom_listing.hpp"

namespace curcrunch::cli {
namespace {

class SummaryCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"summary",
                "print cost rollups from the store",
                "curcrunch summary --db billing.db --preset last-12-months --by service --limit "
                "20\ncurcrunch summary --db billing.db --by account --granularity total "
                "--format json\ncurcrunch summary --db billing.db --by tag:team --payer "
                "123456789012 --measure amortized\ncurcrunch summary --db billing.db --mom 6 "
                "--by category:CostCenter",
                {}};
    }

    void declare(OptionSet& o) override {
        store_.declare(o);
        period_.declare(o, "every day in the store", "the last day with data");
        o.value("--granularity", granularity_, "G", "time buckets: day, week, month, year, total");
        o.value("--by", by_, "DIM",
                "rows per service, account, payer, region, usage-type, line-item-type, "
                "operation, none, tag:KEY (a tag key) or category:KEY (a cost category)");
        o.list("--account", accounts_, "ID", "only these usage accounts");
        o.list("--service", services_, "NAME", "only these services (product code or name)");
        o.list("--region", regions_, "CODE", "only these regions");
        o.list("--payer", payers_, "ID", "only these payer accounts");
        o.value("--currency", currency_, "CODE",
                "only the amounts billed in this currency (needed when the selection holds "
                "more than one: they are never added together)");
        o.value("--measure", measure_, "M",
                "the cost to sort, filter and show: unblended, net, amortized, net-amortized, "
                "blended, on-demand or usage");
        o.value("--min-cost", min_cost_, "AMOUNT",
                "hide rows whose cost is below AMOUNT (summed per period as \"below threshold\"; "
                "the total keeps them)");
        o.value("--sort", sort_, "ORDER", "time (by bucket, then cost), cost (descending) or key");
        o.value("--limit", limit_, "N",
                "at most N rows (the rest summed as \"other\"; the total covers all)", "all");
        o.value("--mom", mom_, "N",
                "month over month instead of rollups: the last N months (ending with the "
                "period's last) by --by, each with its change against the month before, like "
                "for like");
        o.flag("--anomalies", anomalies_,
               "list the anomalous days of the range (and fee days) with what drove them, "
               "instead of rollups");
        format_.declare(o);
    }

    int run() override {
        const OutputFormat format = format_.get();
        (void)query();  // usage errors before the store is opened
        const int mom = mom_ ? parse_int("--mom", *mom_, 1, 120) : 0;
        if (mom && anomalies_) throw_usage("--mom and --anomalies are two different listings");
        auto store = store::Store::open(store_.path(), true);
        store::require_payers_in_store(store->db(), payers_, "--payer");
        store::require_values_in_store(store->db(), accounts_, "--account", "account");
        store::require_values_in_store(store->db(), services_, "--service", "service");
        store::require_values_in_store(store->db(), regions_, "--region", "region");
        period_.default_as_of = store::default_as_of(store->db(), today_utc(), payers_);
        store::Query q = query();
        if (!q.currency.empty())
            store::require_currency_in_store(store->db(), q.currency, "--currency");
        if (mom) {
            const Day end = q.to ? *q.to : *period_.default_as_of;
            // Every month the listing compares is in one currency, chosen over all of them.
            store::Query span = q;
            span.from = first_day(add_months(period_of(end), -mom));
            span.to = end;
            q.currency = store::choose_currency(store->db(), span, "--currency", "--currency ");
            print_month_over_month(store->db(), q, mom, end, format);
            return 0;
        }
        if (anomalies_) {
            print_anomalies(store->db(), q, format);
            return 0;
        }
        // The threshold and the limit hide rows, never money: every matching row is read, the
        // rows they hide are summed ("below threshold" per bucket, "other"), and the total
        // covers them all (report/tie_out.hpp).
        const size_t limit = q.limit;
        const std::optional<Amount> min_cost = q.min_cost;
        q.limit = 0;
        q.min_cost.reset();
        // Refuses rows in more than one currency unless --currency chose one (MixedCurrencies).
        const std::vector<store::ResultRow> all = store::run_query(store->db(), q);
        Amount total = 0, total_beside_sum = 0;
        for (const auto& r : all) {
            total += r.measure(q.measure);
            total_beside_sum += r.measure(beside(q.measure));
        }
        const report::TieOut cut = report::cut_rows(
            all.size(),
            [&](size_t i) { return report::at_or_above(min_cost, all[i].measure(q.measure)); },
            limit);
        Listing out;
        for (size_t i : cut.shown)
            out.rows.push_back(all[i]);
        // One "below threshold" row per bucket, in bucket order.
        std::map<std::string, std::vector<size_t>> below;
        for (size_t i : cut.below)
            below[all[i].bucket].push_back(i);
        for (const auto& [bucket, idx] : below)
            out.below.push_back(
                summed(all, idx, bucket, "(below threshold)", report::below_label(idx.size())));
        if (!cut.other.empty())
            out.other =
                summed(all, cut.other, "", "(other)", report::other_label(cut.other.size()));
        out.matching = all.size();
        out.total = total;
        out.currency = !all.empty() ? all.front().currency
                                    : store::choose_from(store->db(), {}, "--currency ");
        if (q.measure == store::Measure::usage) out.currency.clear();  // quantities, not money
        // How much of the range the store has data for (days without data are absent rows,
        // never zeros; this line says so).
        const store::ViewCoverage cov = store::ViewCoverage::load(store->db(), q.payers);
        if (!cov.days().empty()) {
            const Day from = q.from ? *q.from : cov.days().front();
            const Day to = q.to ? *q.to : cov.days().back();
            out.coverage = cov.window(from, to);
            const std::vector<Day> with = cov.days_in(from, to);
            if (!with.empty()) out.data_days = {with.front(), with.back()};
        }
        out.total_beside = total_beside_sum;
        if (format == OutputFormat::json)
            print_json(q, out);
        else if (format == OutputFormat::csv)
            print_csv(out);
        else
            print_table(q, out);
        return 0;
    }

  private:
    // What is printed: the rows shown, the sums of the rows the threshold and the limit hid, and
    // the total of every matching row.
    struct Listing {
        std::vector<store::ResultRow> rows, below;
        std::optional<store::ResultRow> other;
        size_t matching = 0;
        Amount total = 0, total_beside = 0;  // total_beside: of the measure beside (beside())
        // Of every amount; empty for usage quantities, which are no money.
        std::string currency;
        std::optional<store::WindowCoverage> coverage;
        std::optional<store::DateRange> data_days;  // the first and last day with data
    };

    static std::string coverage_line(const Listing& l) {
        if (!l.coverage) return "no data in the store";  // --payer names one it holds
        const store::WindowCoverage& c = *l.coverage;
        if (c.none()) return "no data for " + format_day(c.from) + " to " + format_day(c.to);
        const bool every_day = c.days_with_data == c.days;
        return (every_day ? "data for every day"
                          : "data for " + std::to_string(c.days_with_data) + " of " +
                                std::to_string(c.days) + " days") +
               " (" + format_day(l.data_days->from) + " to " + format_day(l.data_days->to) + ")" +
               (c.payers_short.empty() ? "" : "; partial: " + c.payers_short_text());
    }

    static store::ResultRow summed(const std::vector<store::ResultRow>& all,
                                   const std::vector<size_t>& idx, const std::string& bucket,
                                   const std::string& key, const std::string& label) {
        store::ResultRow r;
        r.bucket = bucket;
        r.key = key;
        r.label = label;
        for (size_t i : idx) {
            const store::ResultRow& x = all[i];
            r.unblended += x.unblended;
            r.net_unblended += x.net_unblended;
            r.amortized += x.amortized;
            r.net_amortized += x.net_amortized;
            r.blended += x.blended;
            r.public_on_demand += x.public_on_demand;
            r.usage += x.usage;
            r.rows += x.rows;
        }
        return r;
    }

    store::Query query() const {
        store::Query q;
        const auto range = period_.resolve();
        q.from = range.from;
        q.to = range.to;
        const store::Grouping by = parse_grouping_option("--by", by_);
        q.by = by.by;
        q.tag_key = by.key;
        if (!regions_.empty() && !q.tag_key.empty())
            throw_usage("--region cannot be combined with --by " + by_ +
                        ": the tag rollup keeps no region");
        const auto grain = store::parse_grain(granularity_);
        if (!grain)
            throw_usage("--granularity: expected day, week, month, year or total; got '" +
                        granularity_ + "'");
        q.grain = *grain;
        q.measure = parse_measure_option("--measure", measure_);
        q.accounts = accounts_;
        q.services = services_;
        q.regions = regions_;
        q.payers = parse_payer_ids("--payer", payers_);
        if (currency_) q.currency = store::parse_currency_code("--currency", *currency_);
        if (min_cost_) q.min_cost = parse_non_negative_amount("--min-cost", *min_cost_);
        const std::string& sort = expect_choice("--sort", sort_, "time|cost|key");
        q.sort = sort == "cost"  ? store::SortOrder::cost_desc
                 : sort == "key" ? store::SortOrder::key_asc
                                 : store::SortOrder::time_then_cost;
        if (limit_) q.limit = static_cast<size_t>(parse_int("--limit", *limit_, 1, 100000000));
        return q;
    }

    // The measure the table shows beside the chosen one: amortized, or unblended when amortized
    // is the chosen one (two equal columns said nothing).
    static store::Measure beside(store::Measure m) {
        return m == store::Measure::amortized ? store::Measure::unblended
                                              : store::Measure::amortized;
    }

    static std::string json_row(const store::ResultRow& r, const std::string& currency) {
        return "{\"bucket\":" + json_quote(r.bucket) + ",\"key\":" + json_quote(r.key) +
               ",\"label\":" + json_quote(r.label) + ",\"unblended\":\"" +
               to_plain_string(r.unblended) + "\",\"net_unblended\":\"" +
               to_plain_string(r.net_unblended) + "\",\"amortized\":\"" +
               to_plain_string(r.amortized) + "\",\"net_amortized\":\"" +
               to_plain_string(r.net_amortized) + "\",\"blended\":\"" + to_plain_string(r.blended) +
               "\",\"public_on_demand\":\"" + to_plain_string(r.public_on_demand) +
               "\",\"usage\":\"" + to_plain_string(r.usage) +
               "\",\"row_count\":" + std::to_string(r.rows) +
               ",\"currency\":" + json_quote(currency) + "}";
    }

    static void print_json(const store::Query& q, const Listing& l) {
        std::string o = std::string("{\"granularity\":\"") + store::grain_name(q.grain) +
                        "\",\"by\":" + json_quote(store::grouping_name(q.by, q.tag_key)) +
                        ",\"measure\":\"" + store::measure_name(q.measure) +
                        "\",\"currency\":" + json_quote(l.currency) + ",\"rows\":[";
        for (size_t i = 0; i < l.rows.size(); ++i)
            o.append(i ? "," : "").append(json_row(l.rows[i], l.currency));
        o += "],\"below_threshold\":[";
        for (size_t i = 0; i < l.below.size(); ++i)
            o.append(i ? "," : "").append(json_row(l.below[i], l.currency));
        o += "],\"other\":" + (l.other ? json_row(*l.other, l.currency) : std::string("null"));
        o.append(",\"matching_rows\":" + std::to_string(l.matching) + ",\"total\":\"" +
                 to_plain_string(l.total) + "\"");
        if (l.coverage) {
            std::string shorts;
            for (const auto& [payer, lacks] : l.coverage->payers_short)
                shorts += std::string(shorts.empty() ? "" : ",") +
                          "{\"payer\":" + json_quote(payer) +
                          ",\"days_without_data\":" + std::to_string(lacks) + "}";
            o.append(",\"coverage\":{\"from\":" + json_quote(format_day(l.coverage->from)) +
                     ",\"to\":" + json_quote(format_day(l.coverage->to)) +
                     ",\"days\":" + std::to_string(l.coverage->days) +
                     ",\"days_with_data\":" + std::to_string(l.coverage->days_with_data) +
                     ",\"payers_short\":[" + shorts + "]}");
        }
        o.append("}\n");
        std::fputs(o.c_str(), stdout);
    }

    static void print_csv(const Listing& l) {
        std::string o =
            // net_amortized last: columns are only ever added at the end, for readers that
            // take them by position.
            "bucket,key,label,unblended,net_unblended,amortized,blended,public_on_demand,usage,"
            "row_count,net_amortized,currency\n";
        auto line = [&](const store::ResultRow& r) {
            o.append(csv_field(r.bucket) + "," + csv_field(r.key) + "," + csv_field(r.label) + "," +
                     to_plain_string(r.unblended) + "," + to_plain_string(r.net_unblended) + "," +
                     to_plain_string(r.amortized) + "," + to_plain_string(r.blended) + "," +
                     to_plain_string(r.public_on_demand) + "," + to_plain_string(r.usage) + "," +
                     std::to_string(r.rows) + "," + to_plain_string(r.net_amortized) + "," +
                     csv_field(l.currency) + "\n");
        };
        for (const auto& r : l.rows)
            line(r);
        for (const auto& r : l.below)
            line(r);
        if (l.other) line(*l.other);
        std::fputs(o.c_str(), stdout);
    }

    // An amount of the table: with its currency ("$1,234.57", "1,234.57 EUR"), a quantity
    // without.
    static std::string amount(Amount a, const std::string& currency) {
        return currency.empty() ? format_money(a) : report::money_text(a, currency);
    }

    static void print_table(const store::Query& q, const Listing& l) {
        const bool has_bucket = q.grain != store::Grain::total;
        const bool has_key = q.by != store::Dimension::none;
        // Accounts and payers show as one "Name (id)" column as wide as key and name together.
        const bool labelled = q.by == store::Dimension::account || q.by == store::Dimension::payer;
        std::string out;
        char line[512];
        if (has_bucket) out += (std::snprintf(line, sizeof line, "%-10s ", "period"), line);
        if (has_key && labelled)
            out += (std::snprintf(line, sizeof line, "%-65s ", store::dimension_name(q.by)), line);
        else if (has_key)
            out += (std::snprintf(line, sizeof line, "%-24s %-40s ",
                                  store::grouping_name(q.by, q.tag_key).c_str(), "name"),
                    line);
        std::snprintf(line, sizeof line, "%16s %16s %11s\n", store::measure_name(q.measure),
                      store::measure_name(beside(q.measure)), "rows");
        out += line;
        const int pad = (has_bucket ? 11 : 0) + (has_key ? 66 : 0);
        auto print = [&](const store::ResultRow& r, bool summary) {
            if (summary) {
                // "Below threshold (N)" and "Other (N)" take the key and name columns.
                std::string label =
                    (has_bucket && !r.bucket.empty() ? r.bucket + " " : "") + r.label;
                std::snprintf(line, sizeof line, "%-*s", pad, label.c_str());
                out += line;
            } else {
                if (has_bucket)
                    out += (std::snprintf(line, sizeof line, "%-10s ", r.bucket.c_str()), line);
                if (has_key && labelled) {
                    std::string label = r.key.empty() ? "(none)" : r.label;
                    const std::string id = " (" + r.key + ")";  // a long name is cut, never the id
                    if (label.size() > 65 && label.size() > id.size() &&
                        label.compare(label.size() - id.size(), id.size(), id) == 0 &&
                        id.size() < 50)
                        label = label.substr(0, 62 - id.size()) + "..." + id;
                    else if (label.size() > 65)
                        label = label.substr(0, 62) + "...";
                    out += (std::snprintf(line, sizeof line, "%-65s ", label.c_str()), line);
                } else if (has_key) {
                    std::string label = r.label == r.key ? "" : r.label;
                    if (label.size() > 40) label = label.substr(0, 37) + "...";
                    // A tag value is never empty: an empty key is the untagged row.
                    const bool tags = !q.tag_key.empty();
                    if (tags && r.key.empty()) label.clear();
                    std::string key = r.key.empty() ? (tags ? "(untagged)" : "(none)") : r.key;
                    if (key.size() > 24) key = key.substr(0, 21) + "...";
                    out += (std::snprintf(line, sizeof line, "%-24s %-40s ", key.c_str(),
                                          label.c_str()),
                            line);
                }
            }
            std::snprintf(line, sizeof line, "%16s %16s %11lld\n",
                          amount(r.measure(q.measure), l.currency).c_str(),
                          amount(r.measure(beside(q.measure)), l.currency).c_str(),
                          static_cast<long long>(r.rows));
            out += line;
        };
        for (const auto& r : l.rows)
            print(r, false);
        for (const auto& r : l.below)
            print(r, true);
        if (l.other) print(*l.other, true);
        const std::string label = l.below.empty() && !l.other
                                      ? std::string("total")
                                      : "total of all " + std::to_string(l.matching) + " rows";
        std::snprintf(line, sizeof line, "%-*s%16s %16s\n", pad, label.c_str(),
                      amount(l.total, l.currency).c_str(),
                      amount(l.total_beside, l.currency).c_str());
        out += line;
        out += coverage_line(l) + "\n";
        std::fputs(out.c_str(), stdout);
    }

    StoreOption store_;
    PeriodOptions period_;
    std::string granularity_ = "month", by_ = "service", measure_ = "unblended", sort_ = "time";
    std::optional<std::string> min_cost_, limit_, mom_, currency_;
    std::vector<std::string> accounts_, services_, regions_, payers_;
    FormatOption format_;
    bool anomalies_ = false;
};

}  // namespace

std::unique_ptr<Command> make_summary_command() {
    return std::make_unique<SummaryCommand>();
}

}  // namespace curcrunch::cli
