// Invoice PDFs. A run renders its invoices as pages of one libharu document (the fonts are
// loaded and embedded once; invoices showing characters outside a fixed glyph repertoire are
// drawn in documents of their own, one per set of character blocks they show:
// show_repertoire), prepares it once with qpdf (invoice_pdf_batch.hpp), then splits it: each
// invoice's pages are copied into a document of their own (with their own copy of the fonts,
// passed through as they are), whose pages digest goes into the invoice JSON, and which the
// report pipeline finishes in memory (Info, the embedded JSON, object streams, signature) and
// writes once. Splitting runs on every core, one parse of the batch per worker (a QPDF object
// is not shared between threads).
#include <tbb/parallel_for.h>

#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <algorithm>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include "curcrunch/billing/invoice_files.hpp"
#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/report/pdf_finish.hpp"
#include "curcrunch/report/pdf_layout.hpp"
#include "invoice_pdf_batch.hpp"

namespace curcrunch::billing {
namespace {

std::string title_of(const Invoice& inv) {
    return (inv.kind == "credit_note" ? "Credit note " : "Invoice ") + inv.invoice_id;
}

std::string pdf_date(const std::string& iso) {  // 2026-04-02T10:00:00Z -> D:20260402100000Z
    std::string d = "D:";
    for (char c : iso)
        if (c >= '0' && c <= '9') d += c;
    return d.size() == 16 ? d + "Z" : "D:" + utc_now("%Y%m%d%H%M%S") + "Z";
}

void parties(report::PdfLayout& L, const InvoiceDocument& d) {
    const Invoice& inv = d.invoice;
    L.heading("From");
    L.paragraph(d.seller.name.empty() ? "(seller not configured)" : d.seller.name, 9, true);
    for (const auto& a : d.seller.address)
        L.paragraph(a);
    if (!d.seller.tax_id.empty()) L.paragraph("Tax id: " + d.seller.tax_id);
    L.heading("Billed to");
    L.paragraph(inv.customer_name + " (" + inv.customer + ")", 9, true);
    for (const auto& a : inv.address)
        L.paragraph(a);
}

// The lines as a table, numbered; descriptions wrap within their column rather than being cut,
// since what explains an amount is often at their end (a proration's days and dates), up to
// kDescriptionLines lines: a configured description may be 4 KB (a page and more of this
// column), and the row of a line is read at a glance; the JSON and CSV keep it whole. How each
// line was priced follows the totals as numbered notes, wrapped, since a rate ("list price (r4)
// on amortized cost; markup 7 % (aws-7) on ...") does not fit a table cell.
constexpr size_t kDescriptionLines = 20;  // about 1,100 characters

void lines(report::PdfLayout& L, const Invoice& inv) {
    L.heading("Lines");
    std::vector<std::vector<std::string>> rows;
    size_t n = 0;
    for (const InvoiceLine& l : inv.lines)
        rows.push_back({std::to_string(++n), l.description, l.account,
                        l.quantity.empty() ? "" : l.quantity + (l.unit.empty() ? "" : " " + l.unit),
                        format_money(l.amount, inv.minor_units, true)});
    std::vector<bool> emphasis(rows.size(), false);
    rows.push_back(
        {"", "Subtotal", "", "", format_money(inv.totals.subtotal, inv.minor_units, true)});
    rows.push_back({"", "Tax (" + inv.tax_rate + " %)", "", "",
                    format_money(inv.totals.tax, inv.minor_units, true)});
    rows.push_back({"", "Total " + inv.currency, "", "",
                    format_money(inv.totals.total, inv.minor_units, true)});
    emphasis.insert(emphasis.end(), {true, true, true});
    L.table({{"#", 20, true},
             {"Description", 245, false, true, kDescriptionLines},
             {"Account", 80},
             {"Quantity", 90, true},
             {"Amount", 80, true}},
            rows, emphasis);
    L.heading("How each line was priced");
    n = 0;
    for (const InvoiceLine& l : inv.lines)
        L.paragraph(std::to_string(++n) + ". " + (l.rate.empty() ? "as stated" : l.rate), 7, false,
                    {70, 70, 70});
    L.skip(8);
}

// The pages of one invoice, from a new page on.
void layout_invoice(report::PdfLayout& L, const InvoiceDocument& d) {
    const Invoice& inv = d.invoice;
    std::string header = "Period " + format_period(inv.period) + " · " + inv.currency +
                         " · status " + inv.status + " · issued " + inv.issued_at.substr(0, 10);
    if (!inv.refers_to.empty()) header += " · corrects " + inv.refers_to;
    L.set_header_line(header);
    L.new_page(title_of(inv) + (inv.status == "draft" ? " (DRAFT)" : ""));
    L.kpis({{"Total", invoice_money(inv.totals.total, inv), "subtotal plus tax"},
            {"Subtotal", invoice_money(inv.totals.subtotal, inv),
             std::to_string(inv.lines.size()) + " line(s)"},
            {"Tax", invoice_money(inv.totals.tax, inv), inv.tax_rate + " % of the subtotal"}});
    if (inv.status == "draft")
        L.paragraph(
            "DRAFT: AWS has not yet invoiced this month for every payer account the costs come "
            "from; amounts may still change.",
            9, true, {170, 40, 40});
    parties(L, d);
    // Without the rate an auditor cannot tie the AWS lines back to the AWS costs.
    if (inv.exchange) {
        L.heading("Exchange rate");
        L.paragraph(exchange_statement(inv) +
                    " (as configured, exact: each AWS line is its cost in " + inv.exchange->from +
                    " times the rate, rounded once).");
    }
    lines(L, inv);
    L.paragraph(
        "Each line is computed exactly and rounded once, half away from zero, to the currency's "
        "minor unit; the subtotal is the sum of the lines and the tax is computed on it and "
        "rounded once. The exact amounts are in the embedded curcrunch-invoice.json.",
        7, false, {110, 110, 110});
    if (!inv.aws_invoices.empty()) {
        std::string ids;
        for (const auto& i : inv.aws_invoices)
            ids += (ids.empty() ? "" : ", ") + i;
        L.paragraph("Final: AWS invoice(s) " + ids + ".", 7, false, {110, 110, 110});
    }
}

// libharu embeds the glyphs a document shows, so an invoice's fonts would depend on the other
// invoices of its batch, and one drawn again alone (its file lost) would not be the file that
// was issued. A first page of each batch, never copied into an invoice, shows every glyph of
// this repertoire (Latin-1, Latin Extended-A, general punctuation, currency and a few signs)
// in both fonts, and every character of the blocks of 128 code points outside it that its
// invoices show (invoice_glyph_blocks). A batch holds the invoices that show the same such
// blocks (write_invoice_pdfs), so an invoice's embedded glyphs are the repertoire's and its
// blocks', whichever invoices share its run: Greek names share one batch, an invoice whose
// blocks no other shows is drawn alone.
constexpr std::pair<char32_t, char32_t> kInvoiceRepertoire[] = {
    {0x21, 0x7E},     {0xA1, 0x17F},    {0x2010, 0x2027}, {0x2030, 0x203A},
    {0x20A0, 0x20BF}, {0x2122, 0x2122}, {0x2212, 0x2212}};

bool in_invoice_repertoire(char32_t c) {
    if (c < 0x21 || c == 0xA0) return true;  // spaces draw no glyph, controls nothing
    for (const auto& [from, to] : kInvoiceRepertoire)
        if (c >= from && c <= to) return true;
    return false;
}

void invoice_utf8_append(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

// `blocks`: numbers of blocks of 128 code points (c >> 7), beside the fixed repertoire.
void show_repertoire(report::PdfLayout& L, const std::vector<char32_t>& blocks) {
    std::string text;
    auto add = [&](char32_t c) {
        invoice_utf8_append(text, c);
        text += ' ';
    };
    for (const auto& [from, to] : kInvoiceRepertoire)
        for (char32_t c = from; c <= to; ++c)
            add(c);
    for (const char32_t b : blocks)
        for (char32_t c = b << 7; c < (b + 1) << 7; ++c)
            if (!in_invoice_repertoire(c) && (c < 0xD800 || c > 0xDFFF)) add(c);
    L.new_page("Glyphs");
    L.paragraph(text, 7, false);
    L.paragraph(text, 7, true);
}

// The blocks of the characters of `s` (UTF-8, font_safe) outside the repertoire, into `out`. A
// byte that starts no valid sequence counts as U+FFFD, as font_safe would make it.
void add_invoice_glyph_blocks(const std::string& s, std::set<char32_t>& out) {
    for (size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : 4;
        char32_t c = n == 1 ? b : n == 2 ? b & 0x1F : n == 3 ? b & 0x0F : b & 0x07;
        bool valid = i + n <= s.size() && (n == 1 || b >= 0xC2) && b < 0xF5;
        for (size_t k = 1; valid && k < n; ++k) {
            const auto next = static_cast<unsigned char>(s[i + k]);
            valid = (next & 0xC0) == 0x80;
            c = (c << 6) | (next & 0x3F);
        }
        if (!valid || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
            c = 0xFFFD;
            i += 1;
        } else {
            i += n;
        }
        if (!in_invoice_repertoire(c)) out.insert(c >> 7);
    }
}

// The blocks of every text of an invoice's document outside the repertoire (some texts are
// not drawn, which only errs towards a batch of its own). The layout's fixed texts are within
// the repertoire.
std::vector<char32_t> invoice_glyph_blocks(const InvoiceDocument& d) {
    const Invoice& inv = d.invoice;
    std::vector<const std::string*> texts = {
        &d.seller.name, &d.seller.tax_id, &inv.invoice_id, &inv.customer,  &inv.customer_name,
        &inv.currency,  &inv.refers_to,   &inv.tax_rate,   &inv.issued_at, &inv.status};
    for (const auto& a : d.seller.address)
        texts.push_back(&a);
    for (const auto& a : inv.address)
        texts.push_back(&a);
    for (const auto& a : inv.aws_invoices)
        texts.push_back(&a);
    if (inv.exchange) texts.insert(texts.end(), {&inv.exchange->from, &inv.exchange->rate});
    for (const InvoiceLine& l : inv.lines)
        for (const std::string* t : {&l.description, &l.account, &l.quantity, &l.unit, &l.rate})
            texts.push_back(t);
    std::set<char32_t> blocks;
    for (const std::string* t : texts)  // as drawn: a character the fonts lack shows as □
        add_invoice_glyph_blocks(chart::font_safe(*t), blocks);
    return {blocks.begin(), blocks.end()};
}

report::PdfInfo info_of(const InvoiceDocument& d, const std::string& json) {
    const Invoice& inv = d.invoice;
    report::PdfInfo info;
    info.title = title_of(inv);
    info.author = d.seller.name;
    info.subject = "Invoice for " + inv.customer_name + ", " + format_period(inv.period);
    info.keywords = inv.invoice_id;
    info.creator = "curcrunch billing run";
    info.creation_date = pdf_date(inv.issued_at);
    info.custom["CurcrunchInvoiceId"] = inv.invoice_id;
    info.custom["CurcrunchInvoiceStatus"] = inv.status;
    info.custom["CurcrunchInvoiceSha256"] = Sha256::of(json);
    return info;
}

// Pages [first, first + count) of a batch as a document of their own; the batch must outlive it.
std::unique_ptr<QPDF> split(const std::vector<QPDFPageObjectHelper>& pages, size_t first,
                            size_t count) {
    auto out = std::make_unique<QPDF>();
    out->emptyPDF();
    QPDFPageDocumentHelper dh(*out);
    for (size_t i = first; i < first + count; ++i)
        dh.addPage(pages[i], false);
    return out;
}

}  // namespace

std::string invoice_money(Amount v, const Invoice& inv) {
    return format_money(v, inv.minor_units, true) + " " + inv.currency;
}

namespace {

// One libharu document for `batch` (the repertoire page first), prepared once, then split into
// a file per invoice on every core.
void draw_invoice_batch(const std::vector<const InvoicePdf*>& batch,
                        const std::vector<char32_t>& blocks, const chart::TextMetrics& metrics) {
    report::PdfLayout L(metrics, "");
    show_repertoire(L, blocks);
    std::vector<report::PdfLayout::Section> sections;
    for (const InvoicePdf* p : batch) {
        const size_t first = L.page_count();
        layout_invoice(L, *p->document);
        sections.push_back(
            {first, L.page_count() - first,
             title_of(p->document->invoice) + " · " + p->document->invoice.customer_name});
    }
    std::string bytes;
    try {
        bytes = prepared_invoice_batch(L.finish(sections));
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(ErrorKind::internal, std::string("cannot read the invoice PDFs: ") + e.what());
    }
    const size_t workers =
        std::max<size_t>(1, std::min<size_t>(std::thread::hardware_concurrency(), 8));
    const size_t per = (batch.size() + workers - 1) / workers;
    tbb::parallel_for(size_t(0), (batch.size() + per - 1) / per, [&](size_t chunk) {
        try {
            QPDF src;
            src.setSuppressWarnings(true);
            src.processMemoryFile("invoices", bytes.data(), bytes.size());
            const std::vector<QPDFPageObjectHelper> pages =
                QPDFPageDocumentHelper(src).getAllPages();
            for (size_t i = chunk * per; i < std::min(batch.size(), (chunk + 1) * per); ++i) {
                const InvoicePdf& p = *batch[i];
                std::unique_ptr<QPDF> own = split(pages, sections[i].first_page, sections[i].pages);
                trim_invoice_widths(*own);
                report::PdfFinisher finisher(std::move(own));
                finisher.deterministic_id();
                p.document->pages_sha256 = finisher.pages_sha256();
                *p.json = invoice_json(*p.document);
                write_text_file(
                    finisher.finish(info_of(*p.document, *p.json), kInvoiceAttachmentName, *p.json,
                                    std::nullopt, p.signer),
                    p.path);
            }
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            throw Error(ErrorKind::internal,
                        std::string("cannot split the invoice PDFs: ") + e.what());
        }
    });
}

}  // namespace

// One batch per set of blocks shown outside the repertoire: usually one for the whole run, and
// one more per script its customers write in (a document costs tens of milliseconds: its fonts
// loaded, embedded and compressed again).
void write_invoice_pdfs(const std::vector<InvoicePdf>& batch, const chart::TextMetrics& metrics) {
    std::map<std::vector<char32_t>, std::vector<const InvoicePdf*>> batches;
    for (const InvoicePdf& p : batch)
        batches[invoice_glyph_blocks(*p.document)].push_back(&p);
    for (const auto& [blocks, invoices] : batches)
        draw_invoice_batch(invoices, blocks, metrics);
}

}  // namespace curcrunch::billing
