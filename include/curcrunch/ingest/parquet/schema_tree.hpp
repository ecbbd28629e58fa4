#pragma once
// The leaf columns of a Parquet schema. Parquet stores the schema as a depth-first list of
// elements with child counts; each leaf (a primitive) is one column chunk per row group, and
// its maximum definition and repetition levels follow from the optional and repeated elements
// on its path. The top-level field a leaf belongs to is what the ingest schema resolves by name
// (a MAP column "resource_tags" has two leaves, its key and its value).
#include <cstdint>
#include <string>
#include <vector>

#include "curcrunch/ingest/parquet/metadata.hpp"

namespace curcrunch::ingest::parquet {

// Deeper nesting than this is not a billing export and would overflow 8-bit levels.
inline constexpr int kMaxNesting = 64;

struct LeafColumn {
    std::string path;          // "resource_tags.key_value.key"
    SchemaElement element;     // the leaf itself (type, logical type, scale, ...)
    int16_t max_def = 0;       // definition level of a present value
    int16_t max_rep = 0;       // > 0: inside a repeated group (map or list)
    int16_t repeated_def = 0;  // definition level at which the innermost repeated group exists
    uint32_t top_field = 0;    // index into SchemaTree::fields
};

struct TopField {
    std::string name;
    Logical logical = Logical::none;  // of the top-level element (map, list, or the leaf's)
    bool is_group = false;
    std::vector<uint32_t> leaves;  // indices into SchemaTree::leaves, in schema order
};

struct SchemaTree {
    std::vector<LeafColumn> leaves;
    std::vector<TopField> fields;
    std::vector<std::string> leaf_paths() const;
};

// Builds the tree; throws FormatError for a malformed schema (child counts that do not add up,
// a primitive with children, nesting past kMaxNesting).
SchemaTree build_schema_tree(const std::vector<SchemaElement>& elements);

}  // namespace curcrunch::ingest::parquet
