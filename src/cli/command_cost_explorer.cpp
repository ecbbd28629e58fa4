// curcrunch cost-explorer (alias ce): the Cost Explorer costs fetch stored
// (store/ce_query.hpp), with summary's filters, as a table, CSV or JSON.
#include <algorithm>
#include <cstdio>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/cli/output.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/store/ce_query.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class CostExplorerCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"cost-explorer",
                "print the Cost Explorer costs fetch stored",
                "curcrunch cost-explorer --db billing.db --preset last-12-months --by account\n"
                "curcrunch ce --db billing.db --granularity total --by none --format json",
                {"ce"}};
    }

    void declare(OptionSet& o) override {
        store_.declare(o);
        period_.declare(o, "every month fetched");
        o.value("--granularity", granularity_, "G",
                "day or week (CE's daily rows: the current month), month, year or total (its "
                "monthly rows)");
        o.value("--by", by_, "DIM", "rows per service, account, profile (payer profile) or none");
        o.list("--account", accounts_, "ID", "only these linked accounts");
        o.list("--service", services_, "NAME",
               "only these services, as Cost Explorer names them (\"Amazon Simple Storage "
               "Service\")");
        o.list("--profile", profiles_, "NAME", "only these payer profiles");
        o.value("--min-cost", min_cost_, "AMOUNT",
                "hide rows whose cost is below AMOUNT (summed as \"below threshold\"; the totals "
                "keep them)");
        o.value("--sort", sort_, "ORDER", "time (by bucket, then cost), cost (descending) or key");
        o.value("--limit", limit_, "N",
                "at most N rows (the rest summed as \"other\"; the totals cover all)", "all");
        format_.declare(o);
    }

    int run() override {
        const store::CeQuery q = query();
        const OutputFormat format = format_.get();
        auto store = store::Store::open(store_.path(), true);
        const store::CeResult r = store::run_ce_query(store->db(), q);
        if (!r.fetched)
            log::warn(std::string("the store holds no Cost Explorer ") +
                      (q.grain == store::Grain::day || q.grain == store::Grain::week
                           ? "daily costs (fetch stores them for the current month)"
                           : "costs") +
                      ": run `curcrunch fetch --cost-explorer`");
        if (format == OutputFormat::json)
            print_json(q, r);
        else if (format == OutputFormat::csv)
            print_csv(r);
        else
            print_table(q, r);
        return 0;
    }

  private:
    store::CeQuery query() const {
        store::CeQuery q;
        const auto range = period_.resolve();
        q.from = range.from;
        q.to = range.to;
        const auto grain = store::parse_grain(granularity_);
        if (!grain)
            throw_usage("--granularity: expected day, week, month, year or total; got '" +
                        granularity_ + "'");
        q.grain = *grain;
        const auto by = store::parse_ce_dimension(by_);
        if (!by) throw_usage("--by: expected service, account, profile or none; got '" + by_ + "'");
        q.by = *by;
        q.accounts = accounts_;
        q.services = services_;
        q.profiles = profiles_;
        if (min_cost_) q.min_cost = parse_non_negative_amount("--min-cost", *min_cost_);
        const std::string& sort = expect_choice("--sort", sort_, "time|cost|key");
        q.sort = sort == "cost"  ? store::SortOrder::cost_desc
                 : sort == "key" ? store::SortOrder::key_asc
                                 : store::SortOrder::time_then_cost;
        if (limit_) q.limit = static_cast<size_t>(parse_int("--limit", *limit_, 1, 100000000));
        return q;
    }

    static void print_json(const store::CeQuery& q, const store::CeResult& r) {
        std::string o = std::string("{\"source\":\"cost-explorer\",\"metric\":\"unblended\",") +
                        "\"granularity\":\"" + store::grain_name(q.grain) + "\",\"by\":\"" +
                        store::ce_dimension_name(q.by) + "\",\"rows\":";
        o += json_rows(r.rows) + ",\"below_threshold\":" + json_rows(r.below) +
             ",\"other\":" + json_rows(r.other);
        o.append(",\"matching_rows\":" + std::to_string(r.matching) + ",\"totals\":[");
        for (size_t i = 0; i < r.totals.size(); ++i)
            o.append(i ? "," : "")
                .append("{\"unit\":" + json_quote(r.totals[i].first) + ",\"unblended\":\"" +
                        to_plain_string(r.totals[i].second) + "\"}");
        o.append("]}\n");
        std::fputs(o.c_str(), stdout);
    }

    static std::string json_rows(const std::vector<store::CeResultRow>& rows) {
        std::string o = "[";
        for (size_t i = 0; i < rows.size(); ++i) {
            const auto& row = rows[i];
            o.append(i ? ",{" : "{")
                .append("\"bucket\":" + json_quote(row.bucket))
                .append(",\"key\":" + json_quote(row.key))
                .append(",\"label\":" + json_quote(row.label))
                .append(",\"unit\":" + json_quote(row.unit))
                .append(",\"unblended\":\"" + to_plain_string(row.amount))
                .append(std::string("\",\"estimated\":") + (row.estimated ? "true" : "false"))
                .append(",\"row_count\":" + std::to_string(row.rows) + "}");
        }
        return o + "]";
    }

    static void print_csv(const store::CeResult& r) {
        std::string o = "bucket,key,label,unit,unblended,estimated,row_count\n";
        for (const auto* rows : {&r.rows, &r.below, &r.other})
            for (const auto& row : *rows)
                o.append(csv_field(row.bucket) + "," + csv_field(row.key) + "," +
                         csv_field(row.label) + "," + csv_field(row.unit) + "," +
                         to_plain_string(row.amount) + "," + (row.estimated ? "yes" : "no") + "," +
                         std::to_string(row.rows) + "\n");
        std::fputs(o.c_str(), stdout);
    }

    static void print_table(const store::CeQuery& q, const store::CeResult& r) {
        const bool has_bucket = q.grain != store::Grain::total;
        const bool has_key = q.by != store::CeDimension::none;
        const bool has_label = q.by == store::CeDimension::account;
        std::string out;
        char line[512];
        auto left = [&](const char* fmt, const std::string& text, size_t width) {
            std::string t = text.size() > width ? text.substr(0, width - 3) + "..." : text;
            out += (std::snprintf(line, sizeof line, fmt, t.c_str()), line);
        };
        // The total lines' label sits in the leading columns; without any, they get their own.
        const std::string total_label = r.rows.size() < r.matching
                                            ? "total of all " + std::to_string(r.matching) + " rows"
                                            : std::string("total");
        const size_t columns = (has_bucket ? 11 : 0) + (has_key ? 41 : 0) + (has_label ? 33 : 0);
        const std::string indent(columns > total_label.size() ? 0 : total_label.size() + 1, ' ');
        out += indent;
        if (has_bucket) left("%-10s ", "period", 10);
        if (has_key) left("%-40s ", store::ce_dimension_name(q.by), 40);
        if (has_label) left("%-32s ", "name", 32);
        out += (std::snprintf(line, sizeof line, "%16s %-4s %6s\n", "unblended", "unit", "rows"),
                line);
        bool any_estimated = false;
        std::vector<const store::CeResultRow*> all;
        for (const auto* rows : {&r.rows, &r.below, &r.other})
            for (const auto& row : *rows)
                all.push_back(&row);
        for (const auto* rp : all) {
            const store::CeResultRow& row = *rp;
            const bool summary = row.key == "(below threshold)" || row.key == "(other)";
            out += indent;
            if (has_bucket) left("%-10s ", row.bucket, 10);
            if (has_key)
                left("%-40s ", summary ? row.label : row.key.empty() ? "(none)" : row.key, 40);
            if (has_label) left("%-32s ", summary || row.label == row.key ? "" : row.label, 32);
            std::snprintf(line, sizeof line, "%16s %-4s %6lld%s\n",
                          format_money(row.amount).c_str(), row.unit.c_str(),
                          static_cast<long long>(row.rows), row.estimated ? " estimated" : "");
            out += line;
            any_estimated = any_estimated || row.estimated;
        }
        const int lead = static_cast<int>(std::max(columns, indent.size()));
        for (const auto& [unit, amount] : r.totals) {
            std::snprintf(line, sizeof line, "%-*s%16s %s\n", lead, total_label.c_str(),
                          format_money(amount).c_str(), unit.c_str());
            out += line;
        }
        if (any_estimated)
            out +=
                "estimated: Cost Explorer had not finalised these costs when they were fetched\n";
        std::fputs(out.c_str(), stdout);
    }

    StoreOption store_;
    PeriodOptions period_;
    std::string granularity_ = "month", by_ = "service", sort_ = "time";
    std::vector<std::string> accounts_, services_, profiles_;
    std::optional<std::string> min_cost_, limit_;
    FormatOption format_;
};

}  // namespace

std::unique_ptr<Command> make_cost_explorer_command() {
    return std::make_unique<CostExplorerCommand>();
}

}  // namespace curcrunch::cli
