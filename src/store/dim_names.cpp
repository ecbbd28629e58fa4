#include "curcrunch/store/dim_names.hpp"

namespace curcrunch::store {

DimNames::DimNames(Database& db) : db_(db), st_(db.prepare("SELECT value FROM dim WHERE id = ?")) {}

const std::string& DimNames::operator()(int64_t id) {
    auto it = cache_.find(id);
    if (it != cache_.end()) return it->second;
    st_.bind(1, id);
    std::string v = st_.step() ? st_.column_text(0) : std::string();
    st_.reset();
    return cache_.emplace(id, std::move(v)).first->second;
}

std::set<int64_t> DimNames::ids_where(const char* condition) {
    auto st = db_.prepare(std::string("SELECT id FROM dim WHERE ") + condition);
    std::set<int64_t> out;
    while (st.step())
        out.insert(st.column_int(0));
    return out;
}

}  // namespace curcrunch::store
