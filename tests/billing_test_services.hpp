#pragma once
// The awsJson billing services behind AwsTestServer (reference: aws-vault-wire.md §0-2):
// Organizations ListAccounts (and the OU tree: org_tree_service.hpp), Cost Explorer
// GetCostAndUsage, Invoicing ListInvoiceSummaries and GetInvoicePDF (pre-signed document URLs),
// Payments ListPaymentInstruments. Pages are small on purpose so every client loop is exercised;
// requests are validated as the services do (required members, page-size limits, CE's
// unchanged-request rule) and errors use the documented {"__type", "message"} shapes.
#include <simdjson.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "aws_test_server.hpp"
#include "org_tree_service.hpp"

namespace testsupport {

class BillingServices {
  public:
    struct CeCell {
        std::string month;  // "2026-10-01": the MONTHLY result's start
        std::string account, service, amount;
    };
    struct Invoice {
        std::string account, id;
        int year, month;
        std::string total, tax, currency, pay_currency, pay_total;
    };

    explicit BillingServices(AwsTestServer& aws) : aws_(aws) {
        aws.set_json_handler(
            [this](const std::string& target, const std::string& body, const std::string& service) {
                return handle(target, body, service);
            });
    }
    void add_account(const std::string& id, const std::string& name) {
        accounts_.push_back({id, name});
    }
    void rename_account(const std::string& id, const std::string& name) {
        std::lock_guard<std::mutex> l(m_);
        for (auto& a : accounts_)
            if (a.first == id) a.second = name;
    }
    void set_state(const std::string& id, const std::string& state) {
        std::lock_guard<std::mutex> l(m_);
        states_[id] = state;
    }
    void add_ce(const CeCell& c) { ce_.push_back(c); }
    // The tree ListParents / DescribeOrganizationalUnit answer from; change it between runs.
    OrgTreeService org;
    void add_invoice(const Invoice& i) { invoices_.push_back(i); }
    void add_instrument(const std::string& id, const std::string& method) {
        instruments_.push_back({id, method});
    }
    void deny_payments() { payments_denied_ = true; }
    // GetInvoicePDF's pre-signed URLs live this many seconds (S3 refuses them after).
    void document_urls_live(int seconds) { url_life_ = seconds; }
    // GetInvoicePDF answers after the first `n` name no supplemental documents.
    void drop_supplements_after(int n) { supplements_until_ = n; }
    // The next call of `op` gets a 200 whose JSON body is cut short.
    void malform_next(const std::string& op) {
        std::lock_guard<std::mutex> l(m_);
        malformed_.insert(op);
    }
    int calls(const std::string& op) { return calls_[op]; }
    static std::string pdf_bytes(const std::string& id) {
        return "%PDF-1.4\n% invoice " + id + "\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    }

  private:
    static Action ok(const std::string& body, const char* version) {
        return respond(200, body,
                       {{"Content-Type", std::string("application/x-amz-json-") + version},
                        {"x-amzn-RequestId", "json-ok-1"}});
    }
    static Action error(int status, const std::string& type, const std::string& msg,
                        bool capital_message) {
        return respond(
            status,
            "{\"__type\":\"" + type + "\",\"" + (capital_message ? "Message" : "message") +
                "\":\"" + msg + "\"}",
            {{"Content-Type", "application/x-amz-json-1.1"}, {"x-amzn-RequestId", "json-err-1"}});
    }
    // Page token = index of the first item of the page.
    static size_t start_of(simdjson::dom::element req, const char* key) {
        std::string_view t;
        return req[key].get_string().get(t) ? 0 : std::stoul(std::string(t));
    }

    Action handle(const std::string& target, const std::string& body, const std::string& svc) {
        std::lock_guard<std::mutex> l(m_);
        const std::string op = target.substr(target.find('.') + 1);
        ++calls_[op];
        if (malformed_.erase(op)) return ok("{\"Accounts\":[{\"Id\":\"1", "1.1");
        simdjson::dom::parser p;
        simdjson::dom::element req;
        if (p.parse(body).get(req))
            return error(400, "SerializationException",
                         "Start of structure or map found where "
                         "not expected",
                         false);
        if (target == "AWSOrganizationsV20161128.ListAccounts" && svc == "organizations")
            return list_accounts(req);
        if (target.rfind("AWSOrganizationsV20161128.", 0) == 0 && svc == "organizations" &&
            org.handles(op))
            return org.handle(op, req);
        if (target == "AWSInsightsIndexService.GetCostAndUsage" && svc == "ce")
            return cost_and_usage(req, body);
        if (target == "Invoicing.ListInvoiceSummaries" && svc == "invoicing")
            return invoice_summaries(req);
        if (target == "Invoicing.GetInvoicePDF" && svc == "invoicing") return invoice_pdf(req);
        if (target == "Payments.ListPaymentInstruments" && svc == "payments")
            return instruments(req);
        return error(400, "UnknownOperationException", "Unknown operation " + target, false);
    }

    Action list_accounts(simdjson::dom::element req) {
        int64_t max = 20;
        if (!req["MaxResults"].get_int64().get(max) && (max < 1 || max > 20))
            return error(400, "InvalidInputException",
                         "You provided a value that does not match the required pattern.", true);
        const size_t page = 2, from = start_of(req, "NextToken");
        std::string out = "{\"Accounts\":[";
        for (size_t i = from; i < accounts_.size() && i < from + page; ++i)
            out += std::string(i > from ? "," : "") + "{\"Id\":\"" + accounts_[i].first +
                   "\",\"Arn\":\"arn:aws:organizations::111111111111:account/o-test/" +
                   accounts_[i].first + "\",\"Email\":\"" + accounts_[i].first +
                   "@example.com\",\"Name\":\"" + accounts_[i].second + "\",\"State\":\"" +
                   state_of(accounts_[i].first) +
                   "\",\"JoinedMethod\":\"CREATED\",\"JoinedTimestamp\":1481835741.0}";
        out += "]";
        // As documented: a token can come with an empty page; null means the end.
        out += from + page < accounts_.size() + 1
                   ? ",\"NextToken\":\"" + std::to_string(from + page) + "\"}"
                   : ",\"NextToken\":null}";
        return ok(out, "1.1");
    }

    std::string state_of(const std::string& id) const {
        auto it = states_.find(id);
        return it == states_.end() ? "ACTIVE" : it->second;
    }

    Action cost_and_usage(simdjson::dom::element req, const std::string& body) {
        std::string_view start, end, gran;
        if (req["TimePeriod"]["Start"].get_string().get(start) ||
            req["TimePeriod"]["End"].get_string().get(end) ||
            req["Granularity"].get_string().get(gran))
            return error(400, "ValidationException", "TimePeriod and Granularity are required",
                         true);
        // Every page must repeat the first request exactly (plus the token).
        std::string_view token;
        std::string base = body;
        if (!req["NextPageToken"].get_string().get(token)) {
            base = body.substr(0, body.find(",\"NextPageToken\"")) + "}";
            if (ce_first_ != base)
                return error(400, "RequestChangedException",
                             "The request changed between pages of results", true);
        } else {
            ce_first_ = base;
        }
        std::vector<const CeCell*> cells;
        for (const auto& c : ce_)
            if (c.month >= start && c.month < end) cells.push_back(&c);
        // One group per page.
        const size_t i = token.empty() ? 0 : std::stoul(std::string(token));
        std::string out =
            "{\"GroupDefinitions\":[{\"Type\":\"DIMENSION\",\"Key\":"
            "\"LINKED_ACCOUNT\"},{\"Type\":\"DIMENSION\",\"Key\":\"SERVICE\"}],"
            "\"ResultsByTime\":[";
        if (i < cells.size()) {
            const CeCell& c = *cells[i];
            out += "{\"TimePeriod\":{\"Start\":\"" + c.month + "\",\"End\":\"" + std::string(end) +
                   "\"},\"Total\":{},\"Groups\":[{\"Keys\":[\"" + c.account + "\",\"" + c.service +
                   "\"],\"Metrics\":{\"UnblendedCost\":{\"Amount\":\"" + c.amount +
                   "\",\"Unit\":\"USD\"}}}],\"Estimated\":false}";
        }
        out += "],\"DimensionValueAttributes\":[]";
        if (i + 1 < cells.size()) out += ",\"NextPageToken\":\"" + std::to_string(i + 1) + "\"";
        return ok(out + "}", "1.1");
    }

    Action invoice_summaries(simdjson::dom::element req) {
        std::string_view type, value;
        int64_t month = 0, year = 0, max = 100;
        if (req["Selector"]["ResourceType"].get_string().get(type) ||
            req["Selector"]["Value"].get_string().get(value))
            return error(400, "ValidationException", "Selector is required", false);
        if (!req["MaxResults"].get_int64().get(max) && (max < 1 || max > 100))
            return error(400, "ValidationException", "MaxResults must be 1..100", false);
        if (req["Filter"]["BillingPeriod"]["Month"].get_int64().get(month) ||
            req["Filter"]["BillingPeriod"]["Year"].get_int64().get(year))
            return error(400, "ValidationException", "BillingPeriod is required", false);
        std::vector<const Invoice*> hits;
        for (const auto& v : invoices_)
            if (type == "ACCOUNT_ID" && v.account == value && v.year == year && v.month == month)
                hits.push_back(&v);
        const size_t i = start_of(req, "NextToken");
        std::string out = "{\"InvoiceSummaries\":[";
        if (i < hits.size()) {
            const Invoice& v = *hits[i];
            auto amount = [](const std::string& total, const std::string& tax,
                             const std::string& cur) {
                return "{\"TotalAmount\":\"" + total + "\",\"TotalAmountBeforeTax\":\"" + total +
                       "\",\"CurrencyCode\":\"" + cur +
                       "\",\"AmountBreakdown\":{\"SubTotalAmount\":\"" + total +
                       "\",\"Discounts\":{\"TotalAmount\":\"0.00\"},\"Taxes\":{\"Breakdown\":[{"
                       "\"Amount\":\"" +
                       tax + "\",\"Description\":\"VAT\",\"Rate\":\"0.2\"}],\"TotalAmount\":\"" +
                       tax + "\"}}}";
            };
            out += "{\"AccountId\":\"" + v.account + "\",\"InvoiceId\":\"" + v.id +
                   "\",\"IssuedDate\":1743469200,\"DueDate\":1746061200.5,"
                   "\"Entity\":{\"BillingEntity\":\"AWS\",\"InvoicingEntity\":\"Amazon Web "
                   "Services EMEA SARL\"},\"BillingPeriod\":{\"Month\":" +
                   std::to_string(v.month) + ",\"Year\":" + std::to_string(v.year) +
                   "},\"InvoiceType\":\"INVOICE\",\"BillType\":\"ANNIVERSARY\","
                   "\"InvoiceFrequency\":\"RECURRING\",\"BaseCurrencyAmount\":" +
                   amount(v.total, v.tax, v.currency) +
                   ",\"PaymentCurrencyAmount\":" + amount(v.pay_total, "0.00", v.pay_currency) +
                   "}";
        }
        out += "]";
        if (i + 1 < hits.size()) out += ",\"NextToken\":\"" + std::to_string(i + 1) + "\"";
        return ok(out + "}", "1.0");
    }

    Action invoice_pdf(simdjson::dom::element req) {
        std::string_view id;
        if (req["InvoiceId"].get_string().get(id))
            return error(400, "ValidationException", "InvoiceId is required", false);
        bool known = false;
        for (const auto& v : invoices_)
            known = known || v.id == id;
        if (!known) return error(404, "ResourceNotFoundException", "Invoice not found", false);
        const std::string sid(id);
        const bool supplements = ++pdf_answers_ <= supplements_until_;
        const std::string main = aws_.presign_document("/_presigned/" + sid + ".pdf",
                                                       pdf_bytes(sid), url_life_),
                          supp = aws_.presign_document("/_presigned/" + sid + "-receipt.pdf",
                                                       pdf_bytes(sid + "-receipt"), url_life_);
        return ok("{\"InvoicePDF\":{\"InvoiceId\":\"" + sid + "\",\"DocumentUrl\":\"" + main +
                      "\",\"DocumentUrlExpirationDate\":1743469200,\"SupplementalDocuments\":[" +
                      (supplements ? "{\"DocumentType\":\"PAYMENT_RECEIPT\",\"DocumentId\":\"" +
                                         sid + "-receipt\",\"DocumentUrl\":\"" + supp +
                                         "\",\"DocumentUrlExpirationDate\":1743469200}"
                                   : std::string()) +
                      "]}}",
                  "1.0");
    }

    Action instruments(simdjson::dom::element req) {
        if (payments_denied_)
            return error(403, "AccessDeniedException",
                         "User is not authorized to perform: payments:ListPaymentInstruments",
                         false);
        int64_t max = 25;
        if (!req["maxResults"].get_int64().get(max) && (max < 1 || max > 25))
            return error(400, "ValidationException", "maxResults must be 1..25", false);
        std::string out = "{\"paymentInstrumentSummaries\":[";
        for (size_t i = 0; i < instruments_.size(); ++i)
            out += std::string(i ? "," : "") + "{\"id\":\"" + instruments_[i].first +
                   "\",\"arn\":\"arn:aws:payments::111111111111:payment-instrument:" +
                   instruments_[i].first + "\",\"paymentMethod\":\"" + instruments_[i].second +
                   "\",\"status\":\"ACTIVE\",\"createdAt\":1743469200}";
        return ok(out + "]}", "1.0");
    }

    AwsTestServer& aws_;
    std::mutex m_;
    std::vector<std::pair<std::string, std::string>> accounts_;
    std::map<std::string, std::string> states_;
    std::vector<CeCell> ce_;
    std::vector<Invoice> invoices_;
    std::vector<std::pair<std::string, std::string>> instruments_;
    bool payments_denied_ = false;
    int url_life_ = 3600;
    int supplements_until_ = 1 << 30, pdf_answers_ = 0;
    std::string ce_first_;
    std::map<std::string, int> calls_;
    std::set<std::string> malformed_;
};

}  // namespace testsupport
