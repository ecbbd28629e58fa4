#include "curcrunch/billing/invoice_json.hpp"

#include "config_values.hpp"
#include "curcrunch/billing/currency.hpp"
#include "curcrunch/billing/json_tree.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/sha256.hpp"

namespace curcrunch::billing {
namespace {

void field(std::string& o, const char* k, const std::string& v, bool first = false) {
    o.append(first ? "" : ",").append("\"").append(k).append("\":").append(json_quote(v));
}

std::string strings(const std::vector<std::string>& v) {
    std::string o = "[";
    for (size_t i = 0; i < v.size(); ++i)
        o.append(i ? "," : "").append(json_quote(v[i]));
    return o + "]";
}

std::string lines_json(const Invoice& inv) {
    std::string o = "[";
    for (size_t i = 0; i < inv.lines.size(); ++i) {
        const InvoiceLine& l = inv.lines[i];
        o.append(i ? ",\n  {" : "\n  {");
        field(o, "kind", line_kind_name(l.kind), true);
        field(o, "group", l.group);
        field(o, "account", l.account);
        field(o, "service", l.service);
        field(o, "description", l.description);
        field(o, "quantity", l.quantity);
        field(o, "unit", l.unit);
        field(o, "rate", l.rate);
        field(o, "exact", l.exact.exact_text());
        field(o, "amount", minor_text(l.amount, inv.minor_units));
        o += "}";
    }
    return o + "]";
}

std::string totals_json(const Invoice& inv) {
    std::string o = "{";
    field(o, "subtotal", minor_text(inv.totals.subtotal, inv.minor_units), true);
    field(o, "tax", minor_text(inv.totals.tax, inv.minor_units));
    field(o, "total", minor_text(inv.totals.total, inv.minor_units));
    return o + "}";
}

// null, or the exchange stated as {"from": "USD", "to": "EUR", "rate": "0.9213"}.
std::string exchange_json(const Invoice& inv) {
    if (!inv.exchange) return "null";
    std::string o = "{";
    field(o, "from", inv.exchange->from, true);
    field(o, "to", inv.currency);
    field(o, "rate", inv.exchange->rate);
    return o + "}";
}

// ---- reading ----
using detail::ObjectReader;

Amount money(ObjectReader& r, const char* key, int minor) {
    const JsonNode& n = r.required(key);
    if (n.kind != JsonNode::Kind::string) r.fail(n, "expected an amount as a string");
    Amount v = 0;
    if (parse_amount(n.text, v) != ParseStatus::ok) r.fail(n, "not an amount: '" + n.text + "'");
    const size_t dot = n.text.find('.');
    const int digits = dot == std::string::npos ? 0 : static_cast<int>(n.text.size() - dot - 1);
    if (digits != minor)
        r.fail(n, "expected exactly " + std::to_string(minor) + " fraction digits");
    return v;
}

Fraction exact_value(ObjectReader& r, const char* key) {
    const JsonNode& n = r.required(key);
    if (n.kind != JsonNode::Kind::string) r.fail(n, "expected a string");
    Fraction f;
    if (!parse_exact_text(n.text, f)) r.fail(n, "not an exact amount: '" + n.text + "'");
    return f;
}

// Version 3: "exchange" is required, null when nothing was converted.
void read_exchange(ObjectReader& r, Invoice& inv) {
    const JsonNode* n = r.node().find("exchange");
    if (!n) r.fail_key("exchange", "missing (required from version 3 on; null for none)");
    if (!r.optional("exchange")) return;
    ObjectReader x(r.file(), *n);
    InvoiceExchange e;
    e.from = x.string("from", true);
    if (!minor_units(e.from) || e.from == inv.currency)
        x.fail(x.required("from"), "expected a currency other than the invoice's");
    if (x.string("to", true) != inv.currency)
        x.fail(x.required("to"), "is not the invoice's currency (" + inv.currency + ")");
    e.rate = x.string("rate", true);
    Amount rate = 0;
    if (parse_amount(e.rate, rate) != ParseStatus::ok || rate <= 0)
        x.fail(x.required("rate"), "expected a decimal above 0");
    x.finish();
    inv.exchange = std::move(e);
}

}  // namespace

std::string minor_text(Amount v, int minor) {
    return format_money(v, minor, false);
}

std::string invoice_content_sha256(const Invoice& inv) {
    return Sha256::of(inv.currency + "\n" + inv.tax_rate + "\n" + lines_json(inv) + "\n" +
                      totals_json(inv));
}

std::string invoice_json(const InvoiceDocument& d) {
    const Invoice& inv = d.invoice;
    std::string o = "{";
    field(o, "schema", kInvoiceSchemaName, true);
    // A document read from an older version (no exchange stated) is written as that version,
    // so that an issued one drawn again is still the document that was issued.
    const char* version = inv.exchange_stated ? "3" : d.pages_sha256.empty() ? "1" : "2";
    o += ",\"version\":" + std::string(version);
    field(o, "invoice_id", inv.invoice_id);
    field(o, "kind", inv.kind);
    o += ",\"invoice_version\":" + std::to_string(inv.version);
    field(o, "status", inv.status);
    field(o, "refers_to", inv.refers_to);
    field(o, "period", format_period(inv.period));
    field(o, "issued_at", inv.issued_at);
    o += ",\"customer\":{";
    field(o, "id", inv.customer, true);
    field(o, "name", inv.customer_name);
    o += ",\"address\":" + strings(inv.address) + "}";
    o += ",\"seller\":{";
    field(o, "name", d.seller.name, true);
    field(o, "tax_id", d.seller.tax_id);
    o += ",\"address\":" + strings(d.seller.address) + "}";
    field(o, "currency", inv.currency);
    o += ",\"minor_units\":" + std::to_string(inv.minor_units);
    field(o, "tax_rate", inv.tax_rate);
    if (inv.exchange_stated) o += ",\"exchange\":" + exchange_json(inv);
    o += ",\"aws_invoices\":" + strings(inv.aws_invoices);
    field(o, "config_sha256", d.config_sha256);
    field(o, "tool_version", d.tool_version);
    if (!d.pages_sha256.empty()) field(o, "pages_sha256", d.pages_sha256);
    o += ",\"lines\":" + lines_json(inv);
    o += ",\n\"totals\":" + totals_json(inv);
    return o + "}\n";
}

InvoiceDocument parse_invoice_json(std::string_view json) {
    const std::string name = kInvoiceAttachmentName;
    const JsonNode root = parse_json_tree(json, name);
    ObjectReader r(name, root);
    if (r.string("schema", true) != kInvoiceSchemaName)
        r.fail(r.required("schema"), std::string("not a ") + kInvoiceSchemaName + " document");
    const JsonNode& ver = r.required("version");
    if (ver.kind != JsonNode::Kind::number ||
        (ver.text != "1" && ver.text != "2" && ver.text != "3"))
        r.fail(ver, "unknown version " + ver.text + " (this build reads versions 1 to 3)");
    InvoiceDocument d;
    Invoice& inv = d.invoice;
    inv.invoice_id = r.string("invoice_id", true);
    inv.kind = r.string("kind", true);
    if (inv.kind != "invoice" && inv.kind != "credit_note")
        r.fail(r.required("kind"), "expected invoice or credit_note");
    const JsonNode& iv = r.required("invoice_version");
    if (iv.kind != JsonNode::Kind::number || iv.text.empty() || iv.text.size() > 6 ||
        iv.text.find_first_not_of("0123456789") != std::string::npos || iv.text == "0")
        r.fail(iv, "expected a version number 1..999999");
    inv.version = std::stoi(iv.text);
    inv.status = r.string("status", true);
    if (inv.status != "draft" && inv.status != "final" && inv.status != "superseded")
        r.fail(r.required("status"), "expected draft, final or superseded");
    inv.refers_to = r.string("refers_to", true);
    inv.period = *r.month("period", true);
    inv.issued_at = r.string("issued_at", true);
    {
        ObjectReader c(name, r.required("customer"));
        inv.customer = c.string("id", true);
        inv.customer_name = c.string("name", true);
        inv.address = c.strings("address", true);
        c.finish();
    }
    {
        ObjectReader s(name, r.required("seller"));
        d.seller.name = s.string("name", true);
        d.seller.tax_id = s.string("tax_id", true);
        d.seller.address = s.strings("address", true);
        s.finish();
    }
    inv.currency = r.string("currency", true);
    const auto units = minor_units(inv.currency);
    if (!units) r.fail(r.required("currency"), "unknown currency '" + inv.currency + "'");
    inv.minor_units = *units;
    const JsonNode& mu = r.required("minor_units");
    if (mu.kind != JsonNode::Kind::number || mu.text != std::to_string(*units))
        r.fail(mu, "does not match the currency (" + std::to_string(*units) + ")");
    const Amount tax_pct = *r.decimal_in("tax_rate", true, 0, 100 * kUnit);
    inv.tax_rate = to_plain_string(tax_pct);
    inv.exchange_stated = ver.text == "3";
    if (inv.exchange_stated) read_exchange(r, inv);
    inv.aws_invoices = r.strings("aws_invoices", true);
    d.config_sha256 = r.string("config_sha256", true);
    d.tool_version = r.string("tool_version", true);
    // Version 2 always has the digest; version 3 has it once the PDF was drawn.
    if (ver.text == "2" || (ver.text == "3" && r.optional("pages_sha256"))) {
        d.pages_sha256 = r.string("pages_sha256", true);
        if (d.pages_sha256.size() != 64 ||
            d.pages_sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
            r.fail(r.required("pages_sha256"), "expected a sha256 (64 lowercase hex digits)");
    }
    r.array("lines", true, [&](const JsonNode& n) {
        ObjectReader l(name, n);
        InvoiceLine line;
        if (!parse_line_kind(l.string("kind", true), line.kind))
            l.fail(l.required("kind"), "unknown line kind");
        line.group = l.string("group", true);
        line.account = l.string("account", true);
        line.service = l.string("service", true);
        line.description = l.string("description", true);
        line.quantity = l.string("quantity", true);
        line.unit = l.string("unit", true);
        line.rate = l.string("rate", true);
        line.exact = exact_value(l, "exact");
        line.amount = money(l, "amount", inv.minor_units);
        if (round_line(line.exact, inv.minor_units) != line.amount)
            l.fail(l.required("amount"), "is not the exact amount rounded by the money rules");
        l.finish();
        inv.lines.push_back(std::move(line));
    });
    ObjectReader t(name, r.required("totals"));
    const Amount subtotal = money(t, "subtotal", inv.minor_units);
    const Amount tax = money(t, "tax", inv.minor_units);
    const Amount total = money(t, "total", inv.minor_units);
    t.finish();
    r.finish();
    // The totals must follow from the lines by the money rules (a credit note's tax is the
    // difference of two invoices' taxes, credit_note.hpp: only its sums are checked).
    settle(inv, Fraction::of_amount(tax_pct) * Fraction::of_ratio(1, 100));
    if (inv.kind == "credit_note") {
        inv.totals.tax = tax;
        inv.totals.total = checked_add(inv.totals.subtotal, tax);
    }
    if (inv.totals.subtotal != subtotal)
        t.fail(t.required("subtotal"), "is not the sum of the lines (" +
                                           minor_text(inv.totals.subtotal, inv.minor_units) + ")");
    if (inv.totals.tax != tax)
        t.fail(t.required("tax"), "is not the tax rate applied to the subtotal (" +
                                      minor_text(inv.totals.tax, inv.minor_units) + ")");
    if (inv.totals.total != total)
        t.fail(t.required("total"),
               "is not subtotal plus tax (" + minor_text(inv.totals.total, inv.minor_units) + ")");
    return d;
}

}  // namespace curcrunch::billing
