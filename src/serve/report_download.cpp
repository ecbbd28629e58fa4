#include "report_download.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "curcrunch/core/error.hpp"
#include "curcrunch/report/pdf_report.hpp"
#include "curcrunch/serve/html.hpp"
#include "curcrunch/store/payer_ids.hpp"
#include "curcrunch/store/store.hpp"
#include "curcrunch/store/view_coverage.hpp"
#include "currency_choice.hpp"
#include "grouping.hpp"
#include "http_reply.hpp"
#include "tokens.hpp"

namespace curcrunch::serve {
namespace fs = std::filesystem;

void handle_report_download(Site& site, const httplib::Request& req, httplib::Response& res) {
    ViewParams v;
    try {
        auto db = site.open_read_only();
        v = parse_view_params(params_of(req), store::default_as_of(*db, today_utc()));
        require_view_filters_in_store(*db, v);
        // The Categories page's link carries its grouping: the PDF gets that "Cost by" page.
        // Other groupings (service, account, payer) are the report's own pages already.
        if (const ViewGrouping g = grouping_of(v, ""); g.tagged()) {
            if (!v.report.regions.empty())
                throw_usage("by: " + v.by +
                            " cannot be combined with a region filter: the tag rollup keeps no "
                            "region");
            v.report.groupings.push_back({g.by, g.key});
        }
        auto cube = site.current_cube(*db);
        settle_view_currency(*db, *cube, v);
    } catch (const store::MixedCurrencies& e) {
        return send_html(res, 400,
                         "<!doctype html><p>" + esc(e.what()) + "</p>" +
                             currency_links_html(e, v, "/report.pdf"));
    } catch (const Error& e) {
        return send_html(res, 400, "<!doctype html><p>" + esc(e.what()) + "</p>");
    }
    // The store records every report it writes, downloads too.
    std::lock_guard<std::mutex> l(site.write_lock());
    auto store = store::Store::open(site.options().db_path);
    report::ReportData d = report::gather_report(store->db(), v.report);
    const std::string tmp =
        (fs::temp_directory_path() / ("curcrunch-" + random_hex(8) + ".pdf")).string();
    report::ReportOutput out;
    out.record_in = &store->db();
    out.recorded_as = "dashboard download";
    auto w = report::write_report(d, tmp, out);
    std::ifstream in(tmp, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    fs::remove(tmp);
    res.set_header("Content-Disposition", "attachment; filename=\"curcrunch-report-" +
                                              format_day(v.report.from) + "-" +
                                              format_day(v.report.to) + ".pdf\"");
    res.set_content(ss.str(), "application/pdf");
}

}  // namespace curcrunch::serve
