#pragma once
// AWS Invoicing (reference: aws-vault-wire.md §1): ListInvoiceSummaries for one account and
// billing month over every page, and GetInvoicePDF's pre-signed document URLs. Every amount is
// a JSON string on the wire and is kept exact.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "curcrunch/aws/json_service.hpp"
#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"

namespace curcrunch::aws {

// One of an invoice's three InvoiceCurrencyAmounts (base, tax, payment currency).
struct InvoiceAmount {
    bool present = false;
    std::string currency;
    Amount total = 0, before_tax = 0, subtotal = 0, discounts = 0, taxes = 0, fees = 0;
    std::string exchange_rate;  // as sent ("1.0"); a rate, not money
};

struct InvoiceSummary {
    std::string account_id, invoice_id, invoice_type, bill_type, frequency, billing_entity,
        invoicing_entity, commercial_invoice_id, original_invoice_id, purchase_order;
    int64_t issued = 0, due = 0;  // epoch seconds
    Period period = 0;
    InvoiceAmount base, tax, payment;
};

struct InvoiceDocumentLink {
    std::string kind;  // "INVOICE" or a supplemental DocumentType
    std::string document_id, url;
};

std::vector<InvoiceSummary> list_invoice_summaries(JsonServiceClient& inv,
                                                   const std::string& account_id, Period period);
// The documents of a GetInvoicePDF answer: the invoice's own, then its supplemental ones,
// each with a kind and an id that stay the same in a later answer's fresh links.
std::vector<InvoiceDocumentLink> invoice_document_links(std::string_view response,
                                                        const std::string& invoice_id);
std::vector<InvoiceDocumentLink> get_invoice_pdf(JsonServiceClient& inv,
                                                 const std::string& invoice_id);

}  // namespace curcrunch::aws
