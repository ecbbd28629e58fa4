#pragma once
// Bounds on what a PDF can make qpdf build in memory. qpdf parses objects lazily, when they
// are first used, and keeps each one: a dictionary of a million keys or a hundred-megabyte
// string costs close to a gigabyte, whatever the file's size says. So before import-pdf uses
// any object, every object the file holds is measured here with a lexer of our own that only
// counts tokens and string bytes (objects inside object streams too, after decoding each
// stream with a bound), and a file beyond the limits is refused with a message saying which
// limit and which object.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

class QPDF;  // qpdf's headers stay out of this one: it is part of pdf_import.hpp's interface

namespace curcrunch::report {

struct PdfObjectLimits {
    size_t max_objects = 100000;         // entries in the cross-reference table
    size_t max_object_tokens = 100000;   // names, numbers, strings, brackets in one object
    size_t max_total_tokens = 2000000;   // in all objects together
    size_t max_string_bytes = 64 << 10;  // one string outside a stream (a /Title, a /Keywords)
    size_t max_object_stream_bytes = 16u << 20;  // one object stream, decoded
};

// The number of objects the file's cross-reference sections declare (tables and streams, back
// through /Prev), read from the raw bytes before qpdf builds its table of them; nullopt when
// no startxref is found (qpdf will say why).
std::optional<size_t> declared_pdf_objects(std::string_view bytes);

// Why the file's objects are over a limit, or nullopt when they are within every limit.
// `bytes` is the file processMemoryFile read; `q` must not have resolved objects yet (the
// check exists so that it does not have to).
std::optional<std::string> pdf_objects_over_limits(QPDF& q, std::string_view bytes,
                                                   const PdfObjectLimits& limits);

}  // namespace curcrunch::report
