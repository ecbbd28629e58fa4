#pragma once
// Every table a report prints (and every chart that prints figures) is a ReportTable made by a
// named builder from ReportData: the PDF page lays the table out, the embedded JSON carries it
// (kind, parameters, columns, rows), and `audit` calls the same builder with the same kind and
// parameters on today's data and compares the two cell by cell. A table added to the report
// through build_table() is therefore auditable by construction; nothing prints a figure that
// the JSON does not hold.
//
// Cells are kept as the JSON writes them: money, quantities and rates as exact decimals
// (to_plain_string), percentages and texts as printed. The page formats them (money with the
// currency, quantities with two decimals) at the edge.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "curcrunch/core/calendar.hpp"

namespace curcrunch::report {

struct ReportData;

enum class CellKind {
    text,      // printed as is; compared exactly
    money,     // exact decimal amount; compared within audit's tolerance
    quantity,  // exact decimal usage quantity; compared exactly
    rate,      // exact decimal cost per unit; compared exactly
    percent,   // the printed percentage ("+12.3%", "n/a"); compared exactly
};
const char* cell_kind_name(CellKind k);

// Which days of data a cell is computed from, so audit can tell a figure that changed from one
// whose data is no longer in the store.
enum class Scope {
    none,                 // not computed from the cost rollups (texts, invoices, sources)
    period,               // the report's [from, to]
    previous,             // the comparison period
    period_and_previous,  // a change between the two
    year_ago,             // the same dates a year earlier
    period_and_year_ago,  // a change between the period and a year earlier
    row_month,            // the month the row's key names (YYYY-MM)
    row_day,              // the day the row's key names (YYYY-MM-DD)
    trend,                // the twelve months of the monthly trend
    row_history,          // the day the row's key starts with and the days judged before it
    column_month,         // the month the column's key names (YYYY-MM)
};

struct TableColumn {
    std::string key, title;
    CellKind kind = CellKind::text;
    double width = 80;  // points on the page
    Scope scope = Scope::none;
};

struct TableRow {
    std::string key;                 // identifies the row across regenerations
    std::vector<std::string> cells;  // one per column
    bool emphasis = false;           // printed bold (totals)
    bool flagged = false;            // printed bold with "FLAG" (a reconciliation difference)
    bool has_scope = false;          // `scope` overrides the columns' scope for this row
    Scope scope = Scope::none;
};

// The key of a row that states the sum of the other rows: import refuses a report whose
// money columns do not add up to it.
inline constexpr std::string_view kTotalRowKey = "total";

using TableParams = std::map<std::string, std::string>;

struct ReportTable {
    std::string kind;
    TableParams params;
    std::vector<TableColumn> columns;
    std::vector<TableRow> rows;

    const TableColumn* column(std::string_view key) const;
    // The cell of `row` under `column`; "" when the column is unknown.
    const std::string& cell(const TableRow& row, std::string_view column) const;
};

// Runs the builder named `kind`; throws Error(input) for a kind this curcrunch does not know.
ReportTable build_table(const ReportData& d, std::string_view kind, const TableParams& params);
bool known_table_kind(std::string_view kind);

// The days a scope covers for the cell (`row_key`, `column_key`) of a report made from `d`
// (empty for Scope::none).
struct DayRange {
    Day from = 0, to = 0;
};
std::vector<DayRange> scope_days(const ReportData& d, Scope s, const std::string& row_key,
                                 const std::string& column_key = "");

// "" when every money column of `t` sums to its total row (or it has none), otherwise what
// does not add up.
std::string check_table_adds_up(const ReportTable& t);

// JSON text of a table (an object), and back. parse_table_json throws Error(input).
std::string table_json(const ReportTable& t);

}  // namespace curcrunch::report
