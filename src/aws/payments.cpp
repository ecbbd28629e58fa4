#include "curcrunch/aws/payments.hpp"

#include <simdjson.h>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"

namespace curcrunch::aws {

std::vector<PaymentInstrument> list_payment_instruments(JsonServiceClient& payments) {
    std::vector<PaymentInstrument> out;
    std::string token;
    simdjson::dom::parser parser;
    for (;;) {
        std::string body = "{\"maxResults\":25";
        if (!token.empty()) body.append(",\"nextToken\":").append(json_quote(token));
        body.append("}");
        const std::string resp = payments.call("ListPaymentInstruments", body);
        simdjson::dom::element doc;
        simdjson::dom::array list;
        if (parser.parse(resp).get(doc) || doc["paymentInstrumentSummaries"].get_array().get(list))
            throw Error(ErrorKind::remote,
                        "payments ListPaymentInstruments: malformed response (no "
                        "paymentInstrumentSummaries)");
        for (simdjson::dom::element e : list) {
            PaymentInstrument p;
            std::string_view v;
            if (!e["id"].get_string().get(v)) p.id = std::string(v);
            if (!e["arn"].get_string().get(v)) p.arn = std::string(v);
            if (!e["paymentMethod"].get_string().get(v)) p.method = std::string(v);
            if (!e["status"].get_string().get(v)) p.status = std::string(v);
            if (!p.id.empty()) out.push_back(std::move(p));
        }
        std::string_view next;
        if (doc["nextToken"].get_string().get(next) || next.empty()) break;
        token = std::string(next);
    }
    return out;
}

}  // namespace curcrunch::aws
