#pragma once
// Dimension strings by id (the dim dictionary, store/schema.cpp), looked up once each.
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

class DimNames {
  public:
    explicit DimNames(Database& db);
    const std::string& operator()(int64_t id);
    // Ids of dim values satisfying a SQL condition on `value` (a fixed fragment, no input).
    std::set<int64_t> ids_where(const char* condition);

  private:
    Database& db_;
    Statement st_;
    std::map<int64_t, std::string> cache_;
};

}  // namespace curcrunch::store
