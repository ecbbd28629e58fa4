#pragma once
// A billing run's invoices are drawn as one libharu document (the fonts loaded and embedded
// once) and then split into one file per invoice (invoice_pdf.cpp). Before the split, the batch
// goes once through qpdf so that what every invoice file shares is prepared once, not once per
// file: the ToUnicode maps repaired (report/pdf_finish.hpp), the streams libharu leaves
// uncompressed (the embedded fonts) compressed, and the fonts' width lists reduced to the
// characters the batch shows.
#include <string>

class QPDF;

namespace curcrunch::billing {

// libharu's bytes in, the prepared batch's bytes out. Throws what qpdf throws.
std::string prepared_invoice_batch(const std::string& drawn);

// One invoice's file, split from the batch: its width lists reduced again, to the characters
// its own pages show, so that its bytes do not depend on which invoices shared its batch (an
// issued invoice drawn again alone is the same file).
void trim_invoice_widths(QPDF& document);

}  // namespace curcrunch::billing
