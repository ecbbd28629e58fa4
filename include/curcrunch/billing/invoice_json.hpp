#pragma once
// The JSON document of an invoice (schema "curcrunch-invoice"): what the store keeps, the `.json`
// output holds and the PDF embeds as curcrunch-invoice.json. Version 2 adds pages_sha256, the
// digest of what the PDF's pages show (report/pdf_finish.hpp pages_digest), so import-pdf can
// tell edited pages; version 1 (without it) is still read. Version 3 states the exchange rate
// the AWS costs were converted at ("exchange": {from, to, rate}, or null), and has the digest
// once the PDF is drawn; a version 1 or 2 document, which does not say, is read as not stating
// it (Invoice::exchange_stated) and written back as it was. Amounts are decimal
// strings with exactly the currency's minor digits ("1234.50"); each line also states its exact
// amount before rounding. import-pdf validates it strictly (parse_invoice_json); audit compares
// it with the store and with a recomputation.
#include <string>
#include <string_view>

#include "curcrunch/billing/invoice.hpp"

namespace curcrunch::billing {

inline constexpr const char* kInvoiceSchemaName = "curcrunch-invoice";
inline constexpr int kInvoiceSchemaVersion = 3;
inline constexpr const char* kInvoiceAttachmentName = "curcrunch-invoice.json";

struct InvoiceSeller {
    std::string name, tax_id;
    std::vector<std::string> address;
};

struct InvoiceDocument {
    Invoice invoice;
    InvoiceSeller seller;
    std::string config_sha256, tool_version;
    std::string pages_sha256;  // "" until the PDF is drawn
};

std::string invoice_json(const InvoiceDocument& d);
// sha256 of what makes two invoices the same bill: lines (all fields) and totals, not ids,
// status or dates. Nor the exchange stated: the lines' exact amounts follow from the rate, and
// the invoices stored before it was stated keep their digest (invoice_header.hpp compares it).
std::string invoice_content_sha256(const Invoice& inv);

// Throws Error(input) naming the field: not JSON, another schema, an unknown version, a
// missing or malformed field, lines that do not add up to the totals under the money rules.
InvoiceDocument parse_invoice_json(std::string_view json);

// An amount with exactly `minor` fraction digits and no separators ("-12.50", "1235").
std::string minor_text(Amount v, int minor);

}  // namespace curcrunch::billing
