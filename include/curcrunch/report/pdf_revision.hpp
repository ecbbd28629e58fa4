#pragma once
// What a PDF shows and says, compared between two revisions of it, and the annotations its
// pages carry.
//
// A signature covers one revision of a file: the bytes up to the end of that revision. A later
// incremental update can replace any object (a page's content, the embedded JSON, the Info
// dictionary) and be signed in turn, and a reader shows the last revision. So a signed
// curcrunch document is judged on the revision its first signature covers, and the file as it
// is now must show exactly that: changes_since_signed() names every difference in what is
// displayed or stated — pages (content, resources, boxes, annotations), attachments, Info keys,
// the catalog's actions and names, an XFA form — leaving out only what adding a signature
// touches (signature fields and their invisible widgets, the form's field list, /Perms, /DSS,
// XMP metadata, Info /ModDate and /Producer).
//
// Objects are compared by what they hold, not by their numbers: each part is hashed as a tree
// with indirect objects resolved, each into a digest of its own that every part of the
// revision shares (so an object all pages use is hashed once per revision, and the cost of a
// comparison is bounded by the size of the file, not pages times shared bytes; a cycle is
// hashed as a reference back up the tree), stream data as stored (decrypted, not decompressed,
// page content included: nothing is inflated), pages referred to by their place in the
// document.
#include <string>
#include <vector>

class QPDF;
class QPDFObjectHandle;

namespace curcrunch::report {

// Each part of `now` that differs from `signed_revision`, named ("page 1's content", "the
// embedded curcrunch-report.json", "Info /Title"); empty when the two show the same document.
// Throws Error(input) for a structure nested deeper than it reads.
std::vector<std::string> changes_since_signed(QPDF& signed_revision, QPDF& now);

// Whether `annot` is a signature field's widget nothing can see or trigger: its /Rect has no
// width and no height, and neither it nor its field has an action (/A, /AA). Its flags do not
// count: NoView+Print still prints the appearance, and a script can clear Hidden (ISO 32000-2
// 12.5.3). The only annotation curcrunch writes, and what countersigning tools add for an
// invisible signature.
bool invisible_signature_widget(QPDFObjectHandle annot);

// "" when every page annotation is an invisible signature widget; otherwise the first other
// one, described ("page 2 carries a /FreeText annotation").
std::string unwritten_annotation(QPDF& q);

}  // namespace curcrunch::report
