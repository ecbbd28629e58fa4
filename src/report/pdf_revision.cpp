#include "curcrunch/report/pdf_revision.hpp"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFEmbeddedFileDocumentHelper.hh>
#include <qpdf/QPDFFileSpecObjectHelper.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <algorithm>
#include <cstdint>
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

// The digests of the indirect objects of one revision, shared by all the parts hashed from it:
// an object many pages share (a font, an image, a resource dictionary) is hashed once, not once
// per page, so a file of many pages sharing one large stream costs what the stream does.
struct RevisionMemo {
    std::map<QPDFObjGen, std::string> digests;
    std::vector<QPDFObjGen> open;  // the objects being hashed, outermost first
};

// One part of a document hashed as a tree (pdf_revision.hpp). An indirect object is hashed
// into a digest of its own and referred to by it, so its digest does not depend on where it
// was met; a reference back to an object still being hashed (a cycle) is its distance up the
// chain of open objects, and an object inside a cycle is not kept in the memo, since its digest
// depends on where the cycle was entered.
class RevisionPartHasher {
  public:
    RevisionPartHasher(const RevisionLabels& labels, RevisionMemo& memo)
        : labels_(labels), memo_(memo) {}

    // `o` itself is hashed even when it is labelled: it is the part.
    void add_root(QPDFObjectHandle o) {
        size_t lowest = SIZE_MAX;
        add(h_, o, 0, false, lowest);
    }
    void add_entry(const std::string& key, QPDFObjectHandle v) {
        size_t lowest = SIZE_MAX;
        revision_token(h_, "k" + key);
        add(h_, v, 1, true, lowest);
    }
    std::string digest() { return h_.hex_digest(); }

  private:
    static void revision_token(Sha256& h, std::string_view s) {
        h.update(std::to_string(s.size()) + ":");
        h.update(s);
    }

    // `lowest`: the outermost open object a back reference under `o` reached, if lower.
    void add(Sha256& h, QPDFObjectHandle o, int depth, bool use_labels, size_t& lowest) {
        if (depth > kRevisionMaxDepth)
            throw_input("an object is nested more than " + std::to_string(kRevisionMaxDepth) +
                        " levels deep");
        if (!o.isIndirect()) return add_direct(h, o, depth, lowest);
        const QPDFObjGen og = o.getObjGen();
        if (auto l = labels_.find(og); use_labels && l != labels_.end())
            return revision_token(h, l->second);
        if (auto d = memo_.digests.find(og); d != memo_.digests.end())
            return revision_token(h, "obj " + d->second);
        auto& open = memo_.open;
        if (auto at = std::find(open.begin(), open.end(), og); at != open.end()) {
            const auto index = static_cast<size_t>(at - open.begin());
            lowest = std::min(lowest, index);
            return revision_token(h, "back " + std::to_string(open.size() - index));
        }
        const size_t index = open.size();
        open.push_back(og);
        Sha256 own;
        size_t reached = SIZE_MAX;
        add_direct(own, o, depth, reached);
        open.pop_back();
        const std::string digest = own.hex_digest();
        if (reached >= index)
            memo_.digests.emplace(og, digest);
        else
            lowest = std::min(lowest, reached);
        revision_token(h, "obj " + digest);
    }

    void add_direct(Sha256& h, QPDFObjectHandle o, int depth, size_t& lowest) {
        if (o.isBool()) {
            revision_token(h, o.getBoolValue() ? "true" : "false");
        } else if (o.isInteger()) {
            revision_token(h, "i" + std::to_string(o.getIntValue()));
        } else if (o.isReal()) {
            revision_token(h, "r" + o.getRealValue());
        } else if (o.isName()) {
            revision_token(h, "n" + o.getName());
        } else if (o.isString()) {
            revision_token(h, "s" + o.getStringValue());
        } else if (o.isArray()) {
            revision_token(h, "[" + std::to_string(o.getArrayNItems()));
            for (int i = 0; i < o.getArrayNItems(); ++i)
                add(h, o.getArrayItem(i), depth + 1, true, lowest);
        } else if (o.isDictionary() || o.isStream()) {
            QPDFObjectHandle dict = o.isStream() ? o.getDict() : o;
            revision_token(h, "<<");
            // /Parent leads up a tree (pages, form fields, annotations) another part hashes.
            for (const auto& key : dict.getKeys())
                if (key != "/Parent") {
                    revision_token(h, "k" + key);
                    add(h, dict.getKey(key), depth + 1, true, lowest);
                }
            revision_token(h, ">>");
            if (o.isStream()) {
                // As stored (decrypted, not decompressed), with its /Filter hashed above: equal
                // objects have equal bytes, and nothing is inflated. Page content too: a
                // countersigning tool appends objects, it does not re-encode the pages.
                Sha256 data;
                HashPipeline pipe(data);
                revision_token(h, o.pipeStreamData(&pipe, nullptr, 0, qpdf_dl_none, true)
                                      ? "stream " + data.hex_digest()
                                      : "unreadable stream");
            }
        } else {
            revision_token(h, o.isNull() ? "null" : o.unparse());
        }
    }

    const RevisionLabels& labels_;
    RevisionMemo& memo_;
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

RevisionView revision_view_of(QPDF& q) {
    RevisionView v;
    RevisionMemo memo;
    RevisionLabels labels;
    auto pages = QPDFPageDocumentHelper(q).getAllPages();
    for (size_t i = 0; i < pages.size(); ++i)
        labels[pages[i].getObjectHandle().getObjGen()] = "page#" + std::to_string(i + 1);
    auto files = QPDFEmbeddedFileDocumentHelper(q).getEmbeddedFiles();
    for (const auto& [name, spec] : files)
        if (spec->getObjectHandle().isIndirect())
            labels[spec->getObjectHandle().getObjGen()] = "file#" + name;
    for (const auto& [name, spec] : files) {
        RevisionPartHasher h(labels, memo);
        h.add_root(spec->getObjectHandle());
        v.attachments[name] = h.digest();
    }
    for (auto& page : pages) {
        QPDFObjectHandle dict = page.getObjectHandle();
        RevisionPage p;
        RevisionPartHasher content(labels, memo);
        content.add_entry("/Contents", dict.getKey("/Contents"));
        p.content = content.digest();
        RevisionPartHasher rest(labels, memo);
        for (const auto& key : dict.getKeys())
            if (key != "/Annots" && key != "/Parent" && key != "/Contents")
                rest.add_entry(key, dict.getKey(key));
        // What a page inherits from the page tree shows as much as what it holds.
        for (const char* key : {"/Resources", "/MediaBox", "/CropBox", "/Rotate"})
            if (!dict.hasKey(key)) rest.add_entry(key, page.getAttribute(key, false));
        p.rest = rest.digest();
        RevisionPartHasher annots(labels, memo);
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
            RevisionPartHasher h(labels, memo);
            h.add_root(info.getKey(key));
            v.info[key] = h.digest();
        }
    QPDFObjectHandle root = q.getRoot();
    RevisionPartHasher catalog(labels, memo);
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
    RevisionPartHasher xfa(labels, memo);
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
