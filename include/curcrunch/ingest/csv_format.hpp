#pragma once
// How a delimited text file is written. AWS CSV is RFC 4180 with quoting only where needed;
// Athena/Hive text exports use \x01 as delimiter, no quoting and \N for null.
#include <string>

namespace curcrunch::ingest {

struct CsvFormat {
    char delimiter = ',';
    bool quoting = true;     // '"' quotes fields and "" escapes a quote inside them
    std::string null_token;  // an unquoted field equal to this is null; empty = none extra
};

// Options a user can force; unset members are detected from the header line.
struct CsvOverrides {
    int delimiter = -1;           // -1: detect
    int quoting = -1;             // -1: detect (off for \x01-delimited Hive text)
    bool has_null_token = false;  // true: use null_token as given
    std::string null_token;
};

}  // namespace curcrunch::ingest
