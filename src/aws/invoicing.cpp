#include "curcrunch/aws/invoicing.hpp"

#include <simdjson.h>

#include <set>
#include <string_view>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "json_members.hpp"

namespace curcrunch::aws {
namespace {

using simdjson::dom::element;

using detail::member_text;

Amount money_of(element e, const char* key, const std::string& what) {
    std::string_view v;
    if (e[key].get_string().get(v)) return 0;  // every member is optional in the model
    Amount a = 0;
    ParseStatus st = parse_amount(v, a);
    if (st != ParseStatus::ok && st != ParseStatus::rounded)
        throw Error(ErrorKind::remote,
                    what + ": unreadable amount " + key + " '" + shown_text(v) + "'");
    return a;
}

InvoiceAmount amount_of(element inv, const char* key, const std::string& what) {
    InvoiceAmount a;
    element e;
    if (inv[key].get(e)) return a;
    a.present = true;
    a.currency = member_text(e, "CurrencyCode");
    a.total = money_of(e, "TotalAmount", what);
    a.before_tax = money_of(e, "TotalAmountBeforeTax", what);
    element b;
    if (!e["AmountBreakdown"].get(b)) {
        a.subtotal = money_of(b, "SubTotalAmount", what);
        element part;
        if (!b["Discounts"].get(part)) a.discounts = money_of(part, "TotalAmount", what);
        if (!b["Taxes"].get(part)) a.taxes = money_of(part, "TotalAmount", what);
        if (!b["Fees"].get(part)) a.fees = money_of(part, "TotalAmount", what);
    }
    element x;
    if (!e["CurrencyExchangeDetails"].get(x)) a.exchange_rate = member_text(x, "Rate");
    return a;
}

int64_t epoch_of(element e, const char* key) {
    double v = 0;
    return e[key].get_double().get(v) ? 0 : static_cast<int64_t>(v);
}

}  // namespace

std::vector<InvoiceSummary> list_invoice_summaries(JsonServiceClient& inv,
                                                   const std::string& account_id, Period period) {
    const std::string what = "invoicing ListInvoiceSummaries " + format_period(period);
    const std::string base =
        "{\"Selector\":{\"ResourceType\":\"ACCOUNT_ID\",\"Value\":" + json_quote(account_id) +
        "},\"Filter\":{\"BillingPeriod\":{\"Month\":" + std::to_string(period % 100) +
        ",\"Year\":" + std::to_string(period / 100) + "}},\"MaxResults\":100";
    std::vector<InvoiceSummary> out;
    std::string token;
    simdjson::dom::parser parser;
    for (;;) {
        std::string body = base;
        if (!token.empty()) body.append(",\"NextToken\":").append(json_quote(token));
        body.append("}");
        const std::string resp = inv.call("ListInvoiceSummaries", body);
        element doc;
        simdjson::dom::array list;
        if (parser.parse(resp).get(doc) || doc["InvoiceSummaries"].get_array().get(list))
            throw Error(ErrorKind::remote, what + ": malformed response (no InvoiceSummaries)");
        for (element e : list) {
            InvoiceSummary s;
            s.invoice_id = member_text(e, "InvoiceId");
            if (s.invoice_id.empty())
                throw Error(ErrorKind::remote, what + ": an invoice summary has no InvoiceId");
            const std::string w = what + " invoice " + s.invoice_id;
            s.account_id = member_text(e, "AccountId");
            s.invoice_type = member_text(e, "InvoiceType");
            s.bill_type = member_text(e, "BillType");
            s.frequency = member_text(e, "InvoiceFrequency");
            s.commercial_invoice_id = member_text(e, "CommercialInvoiceId");
            s.original_invoice_id = member_text(e, "OriginalInvoiceId");
            s.purchase_order = member_text(e, "PurchaseOrderNumber");
            element ent;
            if (!e["Entity"].get(ent)) {
                s.billing_entity = member_text(ent, "BillingEntity");
                s.invoicing_entity = member_text(ent, "InvoicingEntity");
            }
            s.issued = epoch_of(e, "IssuedDate");
            s.due = epoch_of(e, "DueDate");
            int64_t m = 0, y = 0;
            element bp;
            if (!e["BillingPeriod"].get(bp) && !bp["Month"].get_int64().get(m) &&
                !bp["Year"].get_int64().get(y))
                s.period = static_cast<Period>(y * 100 + m);
            else
                s.period = period;
            s.base = amount_of(e, "BaseCurrencyAmount", w);
            s.tax = amount_of(e, "TaxCurrencyAmount", w);
            s.payment = amount_of(e, "PaymentCurrencyAmount", w);
            out.push_back(std::move(s));
        }
        std::string_view next;
        if (doc["NextToken"].get_string().get(next) || next.empty()) break;
        token = std::string(next);
    }
    return out;
}

namespace {

// The name a pre-signed link's object has: the last segment of its path, without the query
// and a .pdf or .xml ending ("" when the path names nothing). An S3 pre-signed URL's path is
// the object's key, the same in every fresh link to it.
std::string object_name_of(std::string_view url) {
    url = url.substr(0, url.find_first_of("?#"));
    const size_t scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    const size_t path = url.find('/', scheme + 3);
    if (path == std::string_view::npos) return {};
    std::string_view name = url.substr(path + 1);
    name = name.substr(name.rfind('/') == std::string_view::npos ? 0 : name.rfind('/') + 1);
    for (std::string_view ending : {".pdf", ".xml", ".PDF", ".XML"})
        if (name.size() > ending.size() && name.substr(name.size() - ending.size()) == ending)
            name.remove_suffix(ending.size());
    return std::string(name);
}

}  // namespace

std::vector<InvoiceDocumentLink> invoice_document_links(std::string_view response,
                                                        const std::string& invoice_id) {
    simdjson::dom::parser parser;
    element doc, pdf;
    if (parser.parse(response.data(), response.size()).get(doc) || doc["InvoicePDF"].get(pdf))
        throw Error(ErrorKind::remote, "invoicing GetInvoicePDF " + invoice_id +
                                           ": malformed response (no InvoicePDF)");
    std::vector<InvoiceDocumentLink> out;
    if (std::string url = member_text(pdf, "DocumentUrl"); !url.empty())
        out.push_back({"INVOICE", invoice_id, url});
    simdjson::dom::array supp;
    if (pdf["SupplementalDocuments"].get_array().get(supp)) return out;
    // Every member is optional, DocumentId too (AWS's own example has none). A document without
    // one is named by its link's object, which stays the same in a fresh answer (the fetch
    // matches a refreshed link to its document by kind and id); by its place in the list only
    // when the link names no object, or one a document before it took.
    std::set<std::string> taken = {invoice_id};
    int n = 0;
    for (element d : supp) {
        ++n;
        InvoiceDocumentLink l{member_text(d, "DocumentType"), member_text(d, "DocumentId"),
                              member_text(d, "DocumentUrl")};
        if (l.url.empty()) continue;
        if (l.kind.empty()) l.kind = "SUPPLEMENT";
        // Ids are unique across kinds too: the archive names a document's file by its id.
        if (l.document_id.empty()) {
            l.document_id = object_name_of(l.url);
            if (l.document_id.empty() || l.document_id == invoice_id || taken.count(l.document_id))
                l.document_id = "supplement-" + std::to_string(n);
        }
        taken.insert(l.document_id);
        out.push_back(std::move(l));
    }
    return out;
}

std::vector<InvoiceDocumentLink> get_invoice_pdf(JsonServiceClient& inv,
                                                 const std::string& invoice_id) {
    return invoice_document_links(
        inv.call("GetInvoicePDF", "{\"InvoiceId\":" + json_quote(invoice_id) + "}"), invoice_id);
}

}  // namespace curcrunch::aws
