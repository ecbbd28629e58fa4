#include "curcrunch/ingest/quote_check.hpp"

namespace curcrunch::ingest {

QuoteProblem find_quote_problem(const char* buf, size_t len, char delimiter, uint64_t line) {
    // `after_quote`: a quote was just seen inside a quoted field; the next byte says whether it
    // closed the field or was the first of a doubled pair.
    enum class State { field_start, unquoted, quoted, after_quote };
    State st = State::field_start;
    QuoteProblem p;
    uint32_t field = 0;
    for (size_t i = 0; i < len; ++i) {
        const char c = buf[i];
        switch (st) {
            case State::quoted:
                if (c == '"') st = State::after_quote;
                if (c == '\n') ++line;
                continue;
            case State::after_quote:
                if (c == '"') {
                    st = State::quoted;
                    continue;
                }
                // CR only as the first byte of a CRLF (or the data's last byte): the kernels
                // strip it from the record's last field, and nowhere else.
                if (c == '\r' && (i + 1 == len || buf[i + 1] == '\n')) {
                    st = State::unquoted;
                    continue;
                }
                if (c != delimiter && c != '\n') {
                    p.kind = QuoteProblem::Kind::undoubled_quote;
                    p.line = line;
                    p.field = field;
                    p.after = c;
                    return p;
                }
                break;
            case State::field_start:
                if (c == '"') {
                    st = State::quoted;
                    p.open_line = line;
                    p.open_field = field;
                    continue;
                }
                break;
            case State::unquoted:
                if (c == '"') {
                    p.kind = QuoteProblem::Kind::quote_in_unquoted;
                    p.line = line;
                    p.field = field;
                    return p;
                }
                break;
        }
        // Outside quotes: c ends the field, the record, or is the field's text.
        if (c == delimiter) {
            ++field;
            st = State::field_start;
        } else if (c == '\n') {
            ++line;
            field = 0;
            st = State::field_start;
        } else {
            st = State::unquoted;
        }
    }
    if (st == State::quoted) {
        p.kind = QuoteProblem::Kind::unterminated;
        p.line = line;
        p.field = field;
    }
    return p;
}

}  // namespace curcrunch::ingest
