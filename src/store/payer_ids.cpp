#include "curcrunch/store/payer_ids.hpp"

#include <simdjson.h>

#include <set>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::store {

bool is_payer_id_text(std::string_view id) {
    if (id.empty() || id.size() > kMaxPayerIdBytes) return false;
    for (char c : id)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    return simdjson::validate_utf8(id.data(), id.size());
}

void require_payers_in_store(Database& db, const std::vector<std::string>& payers,
                             const std::string& name) {
    if (payers.empty()) return;
    std::set<std::string> known;
    auto st = db.prepare("SELECT DISTINCT payer FROM billing_period ORDER BY payer");
    while (st.step())
        known.insert(st.column_text(0));
    for (const std::string& p : payers) {
        if (known.count(p)) continue;
        std::string held;
        size_t shown = 0;
        for (const std::string& k : known) {
            if (shown++ == 10) {
                held += ", ...";
                break;
            }
            held += (held.empty() ? "" : ", ") + shown_text(k.empty() ? "(none)" : k, 80);
        }
        throw_usage(name + ": no payer '" + shown_text(p, 80) + "' in the store" +
                    (known.empty() ? std::string(" (it holds no billing data)")
                                   : " (its payers: " + held + ")"));
    }
}

}  // namespace curcrunch::store
