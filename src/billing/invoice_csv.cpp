#include <fstream>

#include "curcrunch/billing/invoice_files.hpp"
#include "curcrunch/core/error.hpp"

namespace curcrunch::billing {
// RFC 4180: quoted when the value holds a comma, quote or line break; a leading =, +, - or @
// is prefixed with an apostrophe so spreadsheets do not run it as a formula.
std::string csv_cell(const std::string& v, bool number) {
    std::string s = v;
    if (!number && !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@'))
        s = "'" + s;
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s)
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

void write_text_file(const std::string& text, const std::string& path) {
    {
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f.write(text.data(), static_cast<std::streamsize>(text.size()));
        f.close();
        if (!f) throw Error(ErrorKind::internal, path + ": cannot write");
    }
}

// The exchange columns (the invoice's, on every row as its currency is) come with the documents
// that state it: a CSV of an invoice issued before is written again as it was issued.
std::string invoice_csv(const Invoice& inv) {
    std::string o =
        "invoice_id,line,kind,group,account,service,description,quantity,unit,rate,exact,amount,"
        "currency";
    o += inv.exchange_stated ? ",exchange_from,exchange_rate\n" : "\n";
    const std::string exchange =
        !inv.exchange_stated ? ""
        : inv.exchange       ? "," + inv.exchange->from + "," + csv_cell(inv.exchange->rate, true)
                             : ",,";
    for (size_t i = 0; i < inv.lines.size(); ++i) {
        const InvoiceLine& l = inv.lines[i];
        o += csv_cell(inv.invoice_id, false) + "," + std::to_string(i + 1) + "," +
             line_kind_name(l.kind) + "," + csv_cell(l.group, false) + "," +
             csv_cell(l.account, false) + "," + csv_cell(l.service, false) + "," +
             csv_cell(l.description, false) + "," + csv_cell(l.quantity, true) + "," +
             csv_cell(l.unit, false) + "," + csv_cell(l.rate, false) + "," +
             csv_cell(l.exact.exact_text(), true) + "," + minor_text(l.amount, inv.minor_units) +
             "," + inv.currency + exchange + "\n";
    }
    return o;
}

void write_invoice_csv(const Invoice& inv, const std::string& path) {
    write_text_file(invoice_csv(inv), path);
}

}  // namespace curcrunch::billing
