#pragma once
// RFC 4180 quoting, as the CSV reader enforces it: a quote opens a quoted field only at the
// field's start (after a delimiter, a line end or at the start of the data), is doubled inside
// it, and closes it right before a delimiter, a line end (LF or CRLF) or the end of the data.
// Any other quote makes the record boundaries a guess: a quote inside an unquoted field
// (`15" monitor`) toggled the scanner's in-quote state, so two of them in one column merged two
// rows into one record of the right width, and nothing noticed (found by the ingest audit).
//
// The kernels (chunk_scanner_impl.hpp) find such a quote with a few mask operations per 64-byte
// window; this scalar walk says where it is (line, field, and the quoted field it is in), on
// the error path only, and so must agree with the kernels' rule exactly.
#include <cstddef>
#include <cstdint>

namespace curcrunch::ingest {

struct QuoteProblem {
    enum class Kind : uint8_t {
        none,
        quote_in_unquoted,  // a quote inside a field that did not start with one
        undoubled_quote,    // a quote inside a quoted field, neither doubled nor closing it
        unterminated,       // the walk ended inside a quoted field
    };
    Kind kind = Kind::none;
    uint64_t line = 0;   // physical line of the offending quote (unterminated: of the end)
    uint32_t field = 0;  // 0-based field of its record
    char after = 0;      // undoubled_quote: the byte after the quote
    // The quoted field the problem is in (undoubled_quote, unterminated): where it opened.
    uint64_t open_line = 0;
    uint32_t open_field = 0;
};

// Walks the `len` bytes at buf, which start a record on physical line `line`, and returns the
// first problem; reaching the end inside a quoted field is `unterminated`.
QuoteProblem find_quote_problem(const char* buf, size_t len, char delimiter, uint64_t line);

}  // namespace curcrunch::ingest
