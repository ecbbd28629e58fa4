#pragma once
// The table builders (internal to src/report): each makes one kind of ReportTable from
// ReportData; report_tables.cpp registers them by kind. Helpers here cut ranked rows the one way
// every table does (tie_out.hpp) and format cells as the JSON keeps them.
#include <functional>
#include <string>
#include <vector>

#include "curcrunch/core/money.hpp"
#include "curcrunch/report/report_data.hpp"
#include "curcrunch/report/report_table.hpp"
#include "curcrunch/report/tie_out.hpp"

namespace curcrunch::report::tables {

inline std::string money(Amount a) {
    return to_plain_string(a);
}

// Share of `total`, as printed ("12.3%"); "n/a" without a total.
std::string share(Amount part, Amount total);

// The "limit" parameter (a count), or `fallback`; throws Error(input) on anything else.
size_t limit_param(const TableParams& p, size_t fallback);
// The "months" parameter: up to `most` YYYY-MM, comma-separated; throws Error(input) naming
// `table` when it is missing or anything else.
std::vector<std::string> months_param(const TableParams& p, const char* table, size_t most = 24);

TableRow row(std::string key, std::vector<std::string> cells);
TableRow scoped(std::string key, Scope s, std::vector<std::string> cells);

struct CutSpec {
    size_t limit = 0;                       // 0: every row that reaches the threshold
    std::vector<size_t> threshold_columns;  // money columns a row must reach in one of them
    std::vector<bool> passes;               // instead, per ranked row: whether it is shown
    size_t label_column = 0;                // where "Other (N)" and the like are written
    bool total_row = true;
    // Fills an added row's other cells (shares, percentages) once its money columns hold the
    // sums of the rows it stands for.
    std::function<void(TableRow&)> finish;
};

// Appends `ranked` to `t` cut by the report's threshold and `s.limit`: the kept rows, then
// "Other (N)", "Below threshold (N)" and the total row, so every money column adds up.
void append_cut(ReportTable& t, const ReportData& d, std::vector<TableRow> ranked,
                const CutSpec& s);

// The money cell of `row` under column index `c`, as an amount (0 when empty).
Amount amount_at(const TableRow& row, size_t c);

ReportTable summary_figures(const ReportData& d, const TableParams& p);
ReportTable top_services(const ReportData& d, const TableParams& p);
ReportTable top_accounts(const ReportData& d, const TableParams& p);
ReportTable services(const ReportData& d, const TableParams& p);
ReportTable service_chart(const ReportData& d, const TableParams& p);
ReportTable account_chart(const ReportData& d, const TableParams& p);
ReportTable service_change_chart(const ReportData& d, const TableParams& p);
ReportTable trend(const ReportData& d, const TableParams& p);

ReportTable changes(const ReportData& d, const TableParams& p);
ReportTable accounts(const ReportData& d, const TableParams& p);
ReportTable account_breakdown(const ReportData& d, const TableParams& p);
ReportTable line_items(const ReportData& d, const TableParams& p);
ReportTable month_service(const ReportData& d, const TableParams& p);
ReportTable charge_types(const ReportData& d, const TableParams& p);
ReportTable month_over_month(const ReportData& d, const TableParams& p);
ReportTable by_value(const ReportData& d, const TableParams& p);
ReportTable value_months(const ReportData& d, const TableParams& p);
// The key of a tag or cost category value's row ("untagged" for the untagged row).
std::string value_row_key(const std::string& value);

ReportTable anomalies(const ReportData& d, const TableParams& p);
ReportTable anomaly_drivers(const ReportData& d, const TableParams& p);
ReportTable fee_days(const ReportData& d, const TableParams& p);
ReportTable invoices(const ReportData& d, const TableParams& p);
ReportTable recommendations(const ReportData& d, const TableParams& p);
ReportTable sources(const ReportData& d, const TableParams& p);

}  // namespace curcrunch::report::tables
