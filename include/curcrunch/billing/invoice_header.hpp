#pragma once
// What an invoice says besides its bill: who it is to (customer name and address) and from
// (seller name, tax id and address), all taken from the configuration. The bill's content
// digest (invoice_json.hpp) leaves them out, so `billing run` compares them on their own: a
// draft follows the configuration, and a final invoice that no longer matches it is reported.
#include <string>
#include <vector>

#include "curcrunch/billing/invoice_json.hpp"

namespace curcrunch::billing {

// One line per difference, in words: `customer name: "C" -> "C Ltd"`.
std::vector<std::string> header_differences(const InvoiceDocument& before,
                                            const InvoiceDocument& after);

}  // namespace curcrunch::billing
