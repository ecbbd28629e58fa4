#pragma once
// Pieces the dashboard's pages share: money and share cells, rows that sort by exact amounts,
// paged tables, breadcrumbs, key figures and the charts whose marks link to a narrower view.
// The page frame itself (navigation, filter form) is in curcrunch/serve/html.hpp.
#include <functional>
#include <string>
#include <vector>

#include "curcrunch/chart/scene.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/report/report_data.hpp"
#include "curcrunch/serve/html.hpp"
#include "site.hpp"

namespace curcrunch::serve {

constexpr size_t kPageRows = 50;  // rows per table page, in HTML and JSON alike

std::string money(Amount a, const std::string& currency);
// An amount as the JSON API writes it: an exact decimal string ("12.30").
std::string json_money(Amount a);
std::string share(Amount part, Amount total);  // "12.5%", "" when the total is zero

// The rows at or above the view's min_cost (by magnitude): a threshold hides rows, not money.
std::vector<report::KeyAmount> visible(const std::vector<report::KeyAmount>& rows,
                                       const report::ReportParams& p);

// A table row: escaped HTML cells, and per column the exact amount numeric columns sort by.
struct Row {
    std::vector<std::string> cells;
    std::vector<Amount> numbers;
};

// Sorts by the column `key` (no-op for an unknown key): numeric columns by their amounts.
void sort_rows(std::vector<Row>& rows, const std::vector<TableColumn>& cols, const std::string& key,
               bool descending);

std::vector<std::vector<std::string>> cells_of(const std::vector<Row>& rows);

// The view's page of `rows` as a sortable table, with a pager when there is more than one page.
// `footer` rows (HTML cells) follow on every page: the remainders and the total.
std::string paged_table(const std::string& caption, const std::string& path, const ViewParams& v,
                        const std::vector<TableColumn>& cols, const std::vector<Row>& rows,
                        const std::vector<std::vector<std::string>>& footer = {});

// "All costs › <period> › service X › account Prod (1234…)": each crumb but the last widens the
// view again.
std::vector<Crumb> crumbs(const std::string& path, const ViewContext& c);

// The view's accounts by organizational unit (store::AccountDirectory::by_ou): the costs of the
// view, only the filtered accounts when the view names some, groups under min_cost hidden.
std::vector<store::OuGroup> ou_groups(const ViewContext& c);

// A chart laid out twice: `wide` units across for a desktop column, and kPhoneChartWidth for a
// phone, where the SVG is shown about 1.5 times its size so the 7.5-unit labels read at 11 px or
// more (a 560-unit chart squeezed into 354 px would show them at 5 px). CSS shows one of the two.
constexpr double kPhoneChartWidth = 236;
using ChartAt = std::function<chart::Scene(double width)>;
std::string figure(const ViewContext& c, const ChartAt& build, double wide = 560);
std::string kpis(const report::ReportData& d);

// The monthly trend, each month linking to its days; the service bars, each filtering to it.
chart::Scene monthly_chart(const ViewContext& c, double width);
chart::Scene services_chart(const ViewContext& c, double width);

}  // namespace curcrunch::serve
