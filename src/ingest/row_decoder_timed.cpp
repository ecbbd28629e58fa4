// The copy of RowDecoder::add_row that times the row's aggregation (`ingest --stats`), in a
// translation unit of its own: row_decoder_add.hpp says why.
#include "row_decoder_add.hpp"

namespace curcrunch::ingest {

template bool RowDecoder::add_row_as<true>(const char*, const FieldSpan*, const RowMeta&, RowError&,
                                           const TypedRow*, uint64_t);

}  // namespace curcrunch::ingest
