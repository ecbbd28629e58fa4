#include "curcrunch/store/filter_values.hpp"

#include <simdjson.h>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::store {

bool is_filter_value_text(std::string_view v) {
    if (v.empty() || v.size() > kMaxFilterValueBytes) return false;
    for (char c : v)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    return simdjson::validate_utf8(v.data(), v.size());
}

// The string table holds every string a rollup cell uses, with the number of cells using it
// (dim_refs.hpp): one indexed lookup per value, whatever the store's size. A string of another
// column (an account id given as a service) passes; it then selects nothing, as before.
void require_values_in_store(Database& db, const std::vector<std::string>& values,
                             const std::string& name, const std::string& what) {
    if (values.empty()) return;
    auto held = db.prepare("SELECT EXISTS (SELECT 1 FROM dim WHERE value = ? AND refs > 0)");
    for (const std::string& v : values) {
        held.reset();
        held.bind(1, v);
        if (held.step() && held.column_int(0) != 0) continue;
        throw_usage(name + ": no " + what + " '" + shown_text(v, 120) + "' in the store");
    }
}

}  // namespace curcrunch::store
