#pragma once
// Private to the row decoder (row_decoder.cpp, row_composite.cpp): the JSON parser behind
// RowDecoder::json_parser(), kept out of row_decoder.hpp so that simdjson.h is parsed by the two
// sources that use it, not by every source that includes the engine or the store.
#include <simdjson.h>

#include "curcrunch/ingest/row_decoder.hpp"

namespace curcrunch::ingest {

struct RowDecoder::JsonParser {
    simdjson::ondemand::parser parser;
};

}  // namespace curcrunch::ingest
