#include "curcrunch/aws/cost_explorer.hpp"

#include <simdjson.h>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::aws {

CeResult get_cost_and_usage(JsonServiceClient& ce, Day from, Day to_exclusive, CeGranularity g) {
    // Every page repeats the identical request plus the token: CE rejects a changed request
    // with RequestChangedException.
    const std::string base =
        "{\"TimePeriod\":{\"Start\":\"" + format_day(from) + "\",\"End\":\"" +
        format_day(to_exclusive) + "\"},\"Granularity\":\"" +
        (g == CeGranularity::monthly ? "MONTHLY" : "DAILY") +
        "\",\"Metrics\":[\"UnblendedCost\"],\"GroupBy\":[{\"Type\":\"DIMENSION\",\"Key\":"
        "\"LINKED_ACCOUNT\"},{\"Type\":\"DIMENSION\",\"Key\":\"SERVICE\"}]";
    CeResult out;
    std::string token;
    simdjson::dom::parser parser;
    const std::string what =
        "ce GetCostAndUsage " + format_day(from) + ".." + format_day(to_exclusive);
    for (;;) {
        std::string body = base;
        if (!token.empty()) body.append(",\"NextPageToken\":").append(json_quote(token));
        body.append("}");
        const std::string resp = ce.call("GetCostAndUsage", body);
        ++out.pages;
        simdjson::dom::element doc;
        simdjson::dom::array results;
        if (parser.parse(resp).get(doc) || doc["ResultsByTime"].get_array().get(results))
            throw Error(ErrorKind::remote, what + ": malformed response (no ResultsByTime)");
        for (simdjson::dom::element r : results) {
            std::string_view start;
            Day day = 0;
            if (r["TimePeriod"]["Start"].get_string().get(start) || !parse_utc_day(start, day))
                throw Error(ErrorKind::remote, what + ": result without a TimePeriod.Start");
            bool estimated = false;
            if (r["Estimated"].get_bool().get(estimated)) estimated = false;
            simdjson::dom::array groups;
            if (r["Groups"].get_array().get(groups)) continue;
            for (simdjson::dom::element grp : groups) {
                simdjson::dom::array keys;
                std::string_view amount, unit, k;
                if (grp["Keys"].get_array().get(keys) ||
                    grp["Metrics"]["UnblendedCost"]["Amount"].get_string().get(amount))
                    throw Error(ErrorKind::remote, what + ": group without Keys or Amount");
                CeCostRow row;
                row.start = day;
                row.estimated = estimated;
                size_t i = 0;
                for (simdjson::dom::element key : keys) {
                    if (key.get_string().get(k)) continue;
                    (i++ == 0 ? row.account : row.service) = std::string(k);
                }
                if (!grp["Metrics"]["UnblendedCost"]["Unit"].get_string().get(unit))
                    row.unit = std::string(unit);
                ParseStatus st = parse_amount(amount, row.amount);
                if (st != ParseStatus::ok && st != ParseStatus::rounded)
                    throw Error(ErrorKind::remote,
                                what + ": unreadable amount '" + shown_text(amount) + "'");
                out.rows.push_back(std::move(row));
            }
        }
        std::string_view next;
        if (doc["NextPageToken"].get_string().get(next) || next.empty()) break;
        token = std::string(next);
    }
    return out;
}

}  // namespace curcrunch::aws
