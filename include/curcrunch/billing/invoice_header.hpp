#pragma once
// What an invoice says besides its bill: who it is to (customer name and address) and from
// (seller name, tax id and address), and the exchange rate its AWS costs were converted at, all
// taken from the configuration. The bill's content digest (invoice_json.hpp) leaves them out,
// so `billing run` compares them on their own: a draft follows the configuration, and a final
// invoice that no longer matches it is reported. A final invoice issued before invoices stated
// their rate (invoice JSON version 1 or 2) is not reported for stating none: its amounts follow
// the rate all the same, and it could not be issued again for that alone.
#include <string>
#include <vector>

#include "curcrunch/billing/invoice_json.hpp"

namespace curcrunch::billing {

// One line per difference, in words: `customer name: "C" -> "C Ltd"`.
std::vector<std::string> header_differences(const InvoiceDocument& before,
                                            const InvoiceDocument& after);

}  // namespace curcrunch::billing
