#include "curcrunch/ingest/parquet/schema_tree.hpp"

#include "curcrunch/ingest/parquet/format_error.hpp"

namespace curcrunch::ingest::parquet {

std::vector<std::string> SchemaTree::leaf_paths() const {
    std::vector<std::string> out;
    out.reserve(leaves.size());
    for (const LeafColumn& l : leaves)
        out.push_back(l.path);
    return out;
}

SchemaTree build_schema_tree(const std::vector<SchemaElement>& el) {
    SchemaTree t;
    if (el.empty() || el[0].num_children <= 0) fail_format("schema has no columns");
    // An explicit stack instead of recursion: the nesting depth comes from the file.
    struct Frame {
        size_t remaining;  // children of this group not yet visited
        int16_t def, rep, repeated_def;
        size_t path_len;
    };
    std::vector<Frame> stack;
    stack.push_back(Frame{static_cast<size_t>(el[0].num_children), 0, 0, 0, 0});
    std::string path;
    size_t i = 1;
    uint32_t top = 0;
    while (!stack.empty()) {
        Frame& fr = stack.back();
        if (fr.remaining == 0) {
            path.resize(stack.back().path_len);
            stack.pop_back();
            if (!stack.empty()) path.resize(stack.back().path_len);
            continue;
        }
        --fr.remaining;
        if (i >= el.size()) fail_format("schema child counts exceed its element list");
        const SchemaElement& e = el[i];
        const bool top_level = stack.size() == 1;
        if (top_level) {
            TopField tf;
            tf.name = e.name;
            tf.logical = e.logical;
            tf.is_group = e.num_children > 0;
            top = static_cast<uint32_t>(t.fields.size());
            t.fields.push_back(std::move(tf));
            path.clear();
        }
        int16_t def = fr.def, rep = fr.rep, repeated_def = fr.repeated_def;
        if (e.repetition == Repetition::optional) ++def;
        if (e.repetition == Repetition::repeated) {
            ++def;
            ++rep;
            repeated_def = def;
        }
        const size_t base = path.size();
        if (!top_level) path += '.';
        path += e.name;
        ++i;
        if (e.num_children > 0) {
            if (stack.size() >= static_cast<size_t>(kMaxNesting))
                fail_format("schema nests deeper than " + std::to_string(kMaxNesting) + " levels");
            stack.push_back(
                Frame{static_cast<size_t>(e.num_children), def, rep, repeated_def, path.size()});
            continue;
        }
        if (e.type == PhysicalType::none)
            fail_format("schema element '" + path + "' has neither a type nor children");
        LeafColumn leaf;
        leaf.path = path;
        leaf.element = e;
        leaf.max_def = def;
        leaf.max_rep = rep;
        leaf.repeated_def = repeated_def;
        leaf.top_field = top;
        t.fields[top].leaves.push_back(static_cast<uint32_t>(t.leaves.size()));
        t.leaves.push_back(std::move(leaf));
        path.resize(base);
    }
    if (i != el.size()) fail_format("schema has elements outside its tree (child counts)");
    return t;
}

}  // namespace curcrunch::ingest::parquet
