// curcrunch summary: cost rollups from the store (store/query.hpp), as a table, CSV or JSON.
#include <cstdio>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/cli/output.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/store/query.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class SummaryCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"summary",
                "print cost rollups from the store",
                "curcrunch summary --db billing.db --preset last-12-months --by service --limit "
                "20\ncurcrunch summary --db billing.db --by account --granularity total "
                "--format json",
                {}};
    }

    void declare(OptionSet& o) override {
        store_.declare(o);
        period_.declare(o, "every day in the store");
        o.value("--granularity", granularity_, "G", "time buckets: day, week, month, year, total");
        o.value("--by", by_, "DIM",
                "rows per service, account, payer, region, usage-type, line-item-type, "
                "operation or none");
        o.list("--account", accounts_, "ID", "only these usage accounts");
        o.list("--service", services_, "NAME", "only these services (product code or name)");
        o.list("--region", regions_, "CODE", "only these regions");
        o.list("--payer", payers_, "ID", "only these payer accounts");
        o.value("--measure", measure_, "M",
                "the cost to sort, filter and show: unblended, net, amortized, net-amortized, "
                "blended, on-demand or usage");
        o.value("--min-cost", min_cost_, "AMOUNT", "hide rows whose cost is below AMOUNT");
        o.value("--sort", sort_, "ORDER", "time (by bucket, then cost), cost (descending) or key");
        o.value("--limit", limit_, "N", "at most N rows (the total still covers all)", "all");
        format_.declare(o);
    }

    int run() override {
        store::Query q = query();
        const OutputFormat format = format_.get();
        auto store = store::Store::open(store_.path(), true);
        // The total covers every matching row, not only the ones --limit lets through.
        const size_t limit = q.limit;
        q.limit = 0;
        auto rows = store::run_query(store->db(), q);
        Amount total = 0, total_amort = 0;
        for (const auto& r : rows) {
            total += r.measure(q.measure);
            total_amort += r.amortized;
        }
        const size_t matching = rows.size();
        if (limit && rows.size() > limit) rows.resize(limit);
        if (format == OutputFormat::json)
            print_json(q, rows, matching, total);
        else if (format == OutputFormat::csv)
            print_csv(rows);
        else
            print_table(q, rows, matching, total, total_amort);
        return 0;
    }

  private:
    store::Query query() const {
        store::Query q;
        const auto range = period_.resolve();
        q.from = range.from;
        q.to = range.to;
        const auto by = store::parse_dimension(by_);
        if (!by)
            throw_usage(
                "--by: expected service, account, payer, region, usage-type, line-item-type, "
                "operation or none; got '" +
                by_ + "'");
        q.by = *by;
        const auto grain = store::parse_grain(granularity_);
        if (!grain)
            throw_usage("--granularity: expected day, week, month, year or total; got '" +
                        granularity_ + "'");
        q.grain = *grain;
        const auto measure = store::parse_measure(measure_);
        if (!measure)
            throw_usage(
                "--measure: expected unblended, net, amortized, net-amortized, blended, "
                "on-demand or usage; got '" +
                measure_ + "'");
        q.measure = *measure;
        q.accounts = accounts_;
        q.services = services_;
        q.regions = regions_;
        q.payers = payers_;
        if (min_cost_) q.min_cost = parse_non_negative_amount("--min-cost", *min_cost_);
        const std::string& sort = expect_choice("--sort", sort_, "time|cost|key");
        q.sort = sort == "cost"  ? store::SortOrder::cost_desc
                 : sort == "key" ? store::SortOrder::key_asc
                                 : store::SortOrder::time_then_cost;
        if (limit_) q.limit = static_cast<size_t>(parse_int("--limit", *limit_, 1, 100000000));
        return q;
    }

    static void print_json(const store::Query& q, const std::vector<store::ResultRow>& rows,
                           size_t matching, Amount total) {
        std::string o = std::string("{\"granularity\":\"") + store::grain_name(q.grain) +
                        "\",\"by\":\"" + store::dimension_name(q.by) + "\",\"measure\":\"" +
                        store::measure_name(q.measure) + "\",\"rows\":[";
        for (size_t i = 0; i < rows.size(); ++i) {
            const auto& r = rows[i];
            o.append(i ? ",{" : "{")
                .append("\"bucket\":" + json_quote(r.bucket))
                .append(",\"key\":" + json_quote(r.key))
                .append(",\"label\":" + json_quote(r.label))
                .append(",\"unblended\":\"" + to_plain_string(r.unblended))
                .append("\",\"net_unblended\":\"" + to_plain_string(r.net_unblended))
                .append("\",\"amortized\":\"" + to_plain_string(r.amortized))
                .append("\",\"blended\":\"" + to_plain_string(r.blended))
                .append("\",\"public_on_demand\":\"" + to_plain_string(r.public_on_demand))
                .append("\",\"usage\":\"" + to_plain_string(r.usage))
                .append("\",\"row_count\":" + std::to_string(r.rows) + "}");
        }
        o.append("],\"matching_rows\":" + std::to_string(matching) + ",\"total\":\"" +
                 to_plain_string(total) + "\"}\n");
        std::fputs(o.c_str(), stdout);
    }

    static void print_csv(const std::vector<store::ResultRow>& rows) {
        std::string o =
            "bucket,key,label,unblended,net_unblended,amortized,blended,public_on_demand,usage,"
            "row_count\n";
        for (const auto& r : rows)
            o.append(csv_field(r.bucket) + "," + csv_field(r.key) + "," + csv_field(r.label) + "," +
                     to_plain_string(r.unblended) + "," + to_plain_string(r.net_unblended) + "," +
                     to_plain_string(r.amortized) + "," + to_plain_string(r.blended) + "," +
                     to_plain_string(r.public_on_demand) + "," + to_plain_string(r.usage) + "," +
                     std::to_string(r.rows) + "\n");
        std::fputs(o.c_str(), stdout);
    }

    static void print_table(const store::Query& q, const std::vector<store::ResultRow>& rows,
                            size_t matching, Amount total, Amount total_amort) {
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
            out += (std::snprintf(line, sizeof line, "%-24s %-40s ", store::dimension_name(q.by),
                                  "name"),
                    line);
        std::snprintf(line, sizeof line, "%16s %16s %11s\n", store::measure_name(q.measure),
                      "amortized", "rows");
        out += line;
        for (const auto& r : rows) {
            if (has_bucket)
                out += (std::snprintf(line, sizeof line, "%-10s ", r.bucket.c_str()), line);
            if (has_key && labelled) {
                std::string label = r.key.empty() ? "(none)" : r.label;
                const std::string id = " (" + r.key + ")";  // a long name is cut, never the id
                if (label.size() > 65 && label.size() > id.size() &&
                    label.compare(label.size() - id.size(), id.size(), id) == 0 && id.size() < 50)
                    label = label.substr(0, 62 - id.size()) + "..." + id;
                else if (label.size() > 65)
                    label = label.substr(0, 62) + "...";
                out += (std::snprintf(line, sizeof line, "%-65s ", label.c_str()), line);
            } else if (has_key) {
                std::string label = r.label == r.key ? "" : r.label;
                if (label.size() > 40) label = label.substr(0, 37) + "...";
                std::string key = r.key.empty() ? "(none)" : r.key;
                if (key.size() > 24) key = key.substr(0, 21) + "...";
                out +=
                    (std::snprintf(line, sizeof line, "%-24s %-40s ", key.c_str(), label.c_str()),
                     line);
            }
            std::snprintf(line, sizeof line, "%16s %16s %11lld\n",
                          format_money(r.measure(q.measure)).c_str(),
                          format_money(r.amortized).c_str(), static_cast<long long>(r.rows));
            out += line;
        }
        const int pad = (has_bucket ? 11 : 0) + (has_key ? 66 : 0);
        const std::string label = rows.size() < matching
                                      ? "total of all " + std::to_string(matching) + " rows"
                                      : std::string("total");
        std::snprintf(line, sizeof line, "%-*s%16s %16s\n", pad, label.c_str(),
                      format_money(total).c_str(), format_money(total_amort).c_str());
        out += line;
        std::fputs(out.c_str(), stdout);
    }

    StoreOption store_;
    PeriodOptions period_;
    std::string granularity_ = "month", by_ = "service", measure_ = "unblended", sort_ = "time";
    std::optional<std::string> min_cost_, limit_;
    std::vector<std::string> accounts_, services_, regions_, payers_;
    FormatOption format_;
};

}  // namespace

std::unique_ptr<Command> make_summary_command() {
    return std::make_unique<SummaryCommand>();
}

}  // namespace curcrunch::cli
