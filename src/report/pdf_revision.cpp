#include "curcrunch/report/pdf_revision.hpp"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFEmbeddedFileDocumentHelper.hh>
#include <qpdf/QPDFFileSpecObjectHelper.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <algorithm>
#include <map>
#include <set>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/report/hash_pipeline.hpp"

namespace curcrunch::report {
namespace {

constexpr int kRevisionMaxDepth = 64;

// Objects a part refers to without hashing them: pages (by place) and attachments (by name),
// which are compared as parts of their own.
using RevisionLabels = std::map<QPDFObjGen, std::string>;

// One part of a document hashed as a tree (pdf_revision.hpp).
class RevisionPartHasher {
  public:
    explicit RevisionPartHasher(const RevisionLabels& labels) : labels_(labels) {}

    // `o` itself is hashed even when it is labelled: it is the part.
    void add_root(QPDFObjectHandle o) { add(o, 0, false); }
    void add_entry(const std::string& key, QPDFObjectHandle v) {
        token("k" + key);
        add(v, 1, true);
    }
    std::string digest() { return h_.hex_digest(); }

  private:
    void token(std::string_view s) {
        h_.update(std::to_string(s.size()) + ":");
        h_.update(s);
    }

    void add(QPDFObjectHandle o, int depth, bool use_labels) {
        if (depth > kRevisionMaxDepth)
            throw_input("an object is nested more than " + std::to_string(kRevisionMaxDepth) +
                        " levels deep");
        if (o.isIndirect()) {
            const QPDFObjGen og = o.getObjGen();
            if (auto l = labels_.find(og); use_labels && l != labels_.end()) {
                token(l->second);
                return;
            }
            auto [at, fresh] = seen_.emplace(og, seen_.size());
            if (!fresh) {
                token("ref#" + std::to_string(at->second));
                return;
            }
        }
        if (o.isBool()) {
            token(o.getBoolValue() ? "true" : "false");
        } else if (o.isInteger()) {
            token("i" + std::to_string(o.getIntValue()));
        } else if (o.isReal()) {
            token("r" + o.getRealValue());
        } else if (o.isName()) {
            token("n" + o.getName());
        } else if (o.isString()) {
            token("s" + o.getStringValue());
        } else if (o.isArray()) {
            token("[" + std::to_string(o.getArrayNItems()));
            for (int i = 0; i < o.getArrayNItems(); ++i)
                add(o.getArrayItem(i), depth + 1, true);
        } else if (o.isDictionary() || o.isStream()) {
            QPDFObjectHandle dict = o.isStream() ? o.getDict() : o;
            token("<<");
            // /Parent leads up a tree (pages, form fields, annotations) another part hashes.
            for (const auto& key : dict.getKeys())
                if (key != "/Parent") {
                    token("k" + key);
                    add(dict.getKey(key), depth + 1, true);
                }
            token(">>");
            if (o.isStream()) {
                // As stored (decrypted, not decompressed): equal objects have equal bytes, and
                // nothing is inflated.
                Sha256 data;
                HashPipeline pipe(data);
                token(o.pipeStreamData(&pipe, nullptr, 0, qpdf_dl_none, true)
                          ? "stream " + data.hex_digest()
                          : "unreadable stream");
            }
        } else {
            token(o.isNull() ? "null" : o.unparse());
        }
    }

    const RevisionLabels& labels_;
    std::map<QPDFObjGen, size_t> seen_;
    Sha256 h_;
};

struct RevisionPage {
    std::string content, rest, annotations;
};

struct RevisionView {
    std::vector<RevisionPage> pages;
    std::map<std::string, std::string> attachments, info;
    std::string catalog, xfa;
};

std::string page_content_digest(QPDFPageObjectHelper& page) {
    Sha256 h;
    HashPipeline pipe(h);
    page.pipeContents(&pipe);
    return h.hex_digest();
}

RevisionView revision_view_of(QPDF& q) {
    RevisionView v;
    RevisionLabels labels;
    auto pages = QPDFPageDocumentHelper(q).getAllPages();
    for (size_t i = 0; i < pages.size(); ++i)
        labels[pages[i].getObjectHandle().getObjGen()] = "page#" + std::to_string(i + 1);
    auto files = QPDFEmbeddedFileDocumentHelper(q).getEmbeddedFiles();
    for (const auto& [name, spec] : files)
        if (spec->getObjectHandle().isIndirect())
            labels[spec->getObjectHandle().getObjGen()] = "file#" + name;
    for (const auto& [name, spec] : files) {
        RevisionPartHasher h(labels);
        h.add_root(spec->getObjectHandle());
        v.attachments[name] = h.digest();
    }
    for (auto& page : pages) {
        QPDFObjectHandle dict = page.getObjectHandle();
        RevisionPage p;
        p.content = page_content_digest(page);
        RevisionPartHasher rest(labels);
        for (const auto& key : dict.getKeys())
            if (key != "/Annots" && key != "/Parent" && key != "/Contents")
                rest.add_entry(key, dict.getKey(key));
        // What a page inherits from the page tree shows as much as what it holds.
        for (const char* key : {"/Resources", "/MediaBox", "/CropBox", "/Rotate"})
            if (!dict.hasKey(key)) rest.add_entry(key, page.getAttribute(key, false));
        p.rest = rest.digest();
        RevisionPartHasher annots(labels);
        QPDFObjectHandle list = dict.getKey("/Annots");
        if (list.isArray()) {
            for (int i = 0; i < list.getArrayNItems(); ++i)
                if (!invisible_signature_widget(list.getArrayItem(i)))
                    annots.add_entry("annot", list.getArrayItem(i));
        } else {
            annots.add_entry("/Annots", list);
        }
        p.annotations = annots.digest();
        v.pages.push_back(std::move(p));
    }
    QPDFObjectHandle info = q.getTrailer().getKey("/Info");
    if (info.isDictionary())
        for (const auto& key : info.getKeys()) {
            // What a signing tool updates when it adds a signature; they state nothing of the
            // report.
            if (key == "/ModDate" || key == "/Producer") continue;
            RevisionPartHasher h(labels);
            h.add_root(info.getKey(key));
            v.info[key] = h.digest();
        }
    QPDFObjectHandle root = q.getRoot();
    RevisionPartHasher catalog(labels);
    // Left out: what adding a signature or validation data changes (/AcroForm, /Perms, /DSS,
    // /Metadata, /Extensions, /Version), the page tree (compared page by page) and the
    // attachments (compared by name).
    static const std::set<std::string> kSigningKeys = {
        "/AcroForm", "/Perms", "/DSS", "/Metadata", "/Extensions", "/Version", "/Pages", "/Names"};
    for (const auto& key : root.getKeys())
        if (!kSigningKeys.count(key)) catalog.add_entry(key, root.getKey(key));
    QPDFObjectHandle names = root.getKey("/Names");
    if (names.isDictionary()) {
        for (const auto& key : names.getKeys())
            if (key != "/EmbeddedFiles") catalog.add_entry("/Names " + key, names.getKey(key));
    } else {
        catalog.add_entry("/Names", names);
    }
    v.catalog = catalog.digest();
    // An XFA form replaces what some readers render.
    RevisionPartHasher xfa(labels);
    QPDFObjectHandle form = root.getKey("/AcroForm");
    if (form.isDictionary())
        for (const char* key : {"/XFA", "/NeedAppearances"})
            xfa.add_entry(key, form.getKey(key));
    v.xfa = xfa.digest();
    return v;
}

void compare_revision_parts(const std::map<std::string, std::string>& was,
                            const std::map<std::string, std::string>& is, const std::string& what,
                            std::vector<std::string>& out) {
    std::set<std::string> keys;
    for (const auto& m : {&was, &is})
        for (const auto& kv : *m)
            keys.insert(kv.first);
    for (const auto& k : keys) {
        auto a = was.find(k), b = is.find(k);
        const std::string shown = what + shown_text(k, 80);
        if (a == was.end())
            out.push_back(shown + " (added)");
        else if (b == is.end())
            out.push_back(shown + " (removed)");
        else if (a->second != b->second)
            out.push_back(shown);
    }
}

}  // namespace

bool invisible_signature_widget(QPDFObjectHandle annot) {
    if (!annot.isDictionary() || !annot.getKey("/Subtype").isNameAndEquals("/Widget")) return false;
    // An action runs code or changes what is shown (a JavaScript /AA can make a hidden widget
    // visible): a widget with one, or whose field has one, is never left out of a comparison.
    bool signature = false;
    QPDFObjectHandle field = annot;
    for (int depth = 0; depth < 32 && field.isDictionary(); ++depth) {
        if (field.hasKey("/A") || field.hasKey("/AA")) return false;
        QPDFObjectHandle ft = field.getKey("/FT");
        if (!signature && ft.isName()) {
            if (ft.getName() != "/Sig") return false;
            signature = true;
        }
        field = field.getKey("/Parent");
    }
    if (!signature) return false;
    // The flags do not count: NoView still prints the appearance, and Hidden can be cleared by
    // a script. Only a /Rect of no width and no height draws nothing, whatever /AP holds (its
    // form is scaled into the rectangle, ISO 32000-2 12.5.5).
    QPDFObjectHandle rect = annot.getKey("/Rect");
    if (!rect.isArray() || rect.getArrayNItems() != 4) return false;
    double r[4];
    for (int i = 0; i < 4; ++i) {
        if (!rect.getArrayItem(i).isNumber()) return false;
        r[i] = rect.getArrayItem(i).getNumericValue();
    }
    return r[0] == r[2] && r[1] == r[3];
}

std::string unwritten_annotation(QPDF& q) {
    int n = 0;
    for (auto& page : QPDFPageDocumentHelper(q).getAllPages()) {
        ++n;
        QPDFObjectHandle list = page.getObjectHandle().getKey("/Annots");
        if (list.isNull()) continue;
        const std::string where = "page " + std::to_string(n);
        if (!list.isArray()) return where + "'s /Annots is not a list";
        for (int i = 0; i < list.getArrayNItems(); ++i) {
            QPDFObjectHandle a = list.getArrayItem(i);
            if (invisible_signature_widget(a)) continue;
            QPDFObjectHandle sub = a.isDictionary() ? a.getKey("/Subtype") : a;
            if (sub.isNameAndEquals("/Widget"))
                return where +
                       " carries a form field that can be shown or run an action (/Widget "
                       "annotation)";
            return where + " carries " +
                   (sub.isName() ? "a " + shown_text(sub.getName(), 40) + " annotation"
                                 : std::string("an annotation without a /Subtype"));
        }
    }
    return "";
}

std::vector<std::string> changes_since_signed(QPDF& signed_revision, QPDF& now) {
    const RevisionView was = revision_view_of(signed_revision), is = revision_view_of(now);
    std::vector<std::string> out;
    if (was.pages.size() != is.pages.size())
        out.push_back("the number of pages (" + std::to_string(was.pages.size()) + " signed, " +
                      std::to_string(is.pages.size()) + " now)");
    for (size_t i = 0; i < std::min(was.pages.size(), is.pages.size()); ++i) {
        const std::string page = "page " + std::to_string(i + 1) + "'s ";
        if (was.pages[i].content != is.pages[i].content) out.push_back(page + "content");
        if (was.pages[i].rest != is.pages[i].rest) out.push_back(page + "resources or boxes");
        if (was.pages[i].annotations != is.pages[i].annotations)
            out.push_back(page + "annotations");
    }
    compare_revision_parts(was.attachments, is.attachments, "the embedded ", out);
    compare_revision_parts(was.info, is.info, "Info ", out);
    if (was.catalog != is.catalog)
        out.push_back("the document catalog (its actions, names, outlines or associated files)");
    if (was.xfa != is.xfa) out.push_back("the form's /XFA or /NeedAppearances");
    return out;
}

}  // namespace curcrunch::report
