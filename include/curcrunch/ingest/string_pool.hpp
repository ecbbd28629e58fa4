#pragma once
// Interns strings to dense uint32 ids. Id 0 is always the empty string. Views returned by at()
// stay valid for the pool's lifetime (strings live in fixed arena blocks that never move).
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace curcrunch::ingest {

class StringPool {
  public:
    StringPool();
    uint32_t intern(std::string_view s);
    std::string_view at(uint32_t id) const { return views_[id]; }
    size_t size() const { return views_.size(); }
    // Memory the pool holds: its table, views and arena blocks.
    size_t bytes() const;
    void clear();  // forgets every string but "" (id 0); keeps the table's memory

  private:
    void grow();
    std::string_view store(std::string_view s);

    struct Entry {
        uint64_t hash;
        uint32_t id;  // kEmpty when unused
    };
    static constexpr uint32_t kEmpty = UINT32_MAX;
    std::vector<Entry> table_;
    size_t mask_ = 0;
    std::vector<std::string_view> views_;
    std::vector<std::unique_ptr<char[]>> blocks_;
    char* cur_ = nullptr;
    size_t left_ = 0;
    size_t block_bytes_ = 0;  // the blocks' sizes, summed
};

}  // namespace curcrunch::ingest
