#include "invoice_pdf_batch.hpp"

#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <map>
#include <set>

#include "curcrunch/report/pdf_finish.hpp"

namespace curcrunch::billing {
namespace {

// Collects the character codes of every string a content stream shows. libharu's UTF-8 fonts
// are Identity-H: two bytes per code, the code being the CID.
class UsedCodes : public QPDFObjectHandle::ParserCallbacks {
  public:
    explicit UsedCodes(std::set<int>& codes) : codes_(codes) {}
    void handleObject(QPDFObjectHandle o) override {
        if (o.isString()) {
            add(o.getStringValue());
        } else if (o.isArray()) {  // TJ: strings and kerning numbers
            for (int i = 0; i < o.getArrayNItems(); ++i)
                if (QPDFObjectHandle s = o.getArrayItem(i); s.isString()) add(s.getStringValue());
        }
    }
    void handleEOF() override {}

  private:
    void add(const std::string& s) {
        for (size_t i = 0; i + 1 < s.size(); i += 2)
            codes_.insert((static_cast<unsigned char>(s[i]) << 8) |
                          static_cast<unsigned char>(s[i + 1]));
    }
    std::set<int>& codes_;
};

// The widths a /W array gives (c [w1 w2 ...] and c_first c_last w), for the CIDs in `used`.
std::map<int, QPDFObjectHandle> widths_of(QPDFObjectHandle w, const std::set<int>& used) {
    std::map<int, QPDFObjectHandle> out;
    const int n = w.getArrayNItems();
    for (int i = 0; i < n;) {
        QPDFObjectHandle first = w.getArrayItem(i);
        if (!first.isInteger() || i + 1 >= n) break;
        const long long c = first.getIntValue();
        QPDFObjectHandle next = w.getArrayItem(i + 1);
        if (next.isArray()) {
            const int k = next.getArrayNItems();
            for (auto it = used.lower_bound(static_cast<int>(c)); it != used.end() && *it < c + k;
                 ++it)
                out.emplace(*it, next.getArrayItem(static_cast<int>(*it - c)));
            i += 2;
        } else {
            if (i + 2 >= n) break;
            const long long last = next.getIntValue();
            QPDFObjectHandle width = w.getArrayItem(i + 2);
            for (auto it = used.lower_bound(static_cast<int>(c)); it != used.end() && *it <= last;
                 ++it)
                out.emplace(*it, width);
            i += 3;
        }
    }
    return out;
}

// Every CIDFont's /W reduced to the CIDs the batch shows: libharu lists the width of every
// glyph of the font (about 6,000 per DejaVu font), and each invoice would otherwise parse,
// copy, write and compress both lists again. A CID left out has the font's /DW, and no page
// shows one.
void trim_widths(QPDF& q) {
    std::set<int> used;
    UsedCodes collect(used);
    for (QPDFPageObjectHelper& page : QPDFPageDocumentHelper(q).getAllPages())
        page.parseContents(&collect);
    for (QPDFObjectHandle o : q.getAllObjects()) {
        if (!o.isDictionary() || !o.getKey("/Type").isNameAndEquals("/Font") ||
            !o.getKey("/Subtype").isNameAndEquals("/CIDFontType2") || !o.getKey("/W").isArray())
            continue;
        std::vector<QPDFObjectHandle> w;
        std::vector<QPDFObjectHandle> run;
        int run_first = -1, previous = -2;
        auto flush = [&] {
            if (run.empty()) return;
            w.push_back(QPDFObjectHandle::newInteger(run_first));
            w.push_back(QPDFObjectHandle::newArray(run));
            run.clear();
        };
        for (const auto& [cid, width] : widths_of(o.getKey("/W"), used)) {
            if (cid != previous + 1) {
                flush();
                run_first = cid;
            }
            run.push_back(width);
            previous = cid;
        }
        flush();
        o.replaceKey("/W", QPDFObjectHandle::newArray(w));
    }
}

}  // namespace

void trim_invoice_widths(QPDF& document) {
    trim_widths(document);
}

std::string prepared_invoice_batch(const std::string& drawn) {
    QPDF q;
    q.setSuppressWarnings(true);
    q.processMemoryFile("invoices", drawn.data(), drawn.size());
    report::repair_to_unicode(q);
    trim_widths(q);
    QPDFWriter w(q);
    w.setOutputMemory();
    w.setDecodeLevel(qpdf_dl_none);
    w.setRecompressFlate(false);
    w.setCompressStreams(true);
    w.write();
    std::shared_ptr<Buffer> b(w.getBufferSharedPointer());
    return std::string(reinterpret_cast<const char*>(b->getBuffer()), b->getSize());
}

}  // namespace curcrunch::billing
