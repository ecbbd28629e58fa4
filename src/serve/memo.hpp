#pragma once
// Results a page computes from the store (a query by tag, a month-over-month table), kept per
// key for as long as the store version they were computed at is current: a page, its JSON twin
// and paging or sorting through them reuse one computation. Safe to call from any worker.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace curcrunch::serve {

template <class T>
class Memo {
  public:
    std::shared_ptr<const T> get(int64_t version, const std::string& key,
                                 const std::function<T()>& make) {
        {
            std::lock_guard<std::mutex> l(m_);
            if (version_ != version) {
                entries_.clear();
                version_ = version;
            }
            if (auto it = entries_.find(key); it != entries_.end()) return it->second;
        }
        auto value = std::make_shared<const T>(make());
        std::lock_guard<std::mutex> l(m_);
        if (version_ != version) return value;         // a newer store landed meanwhile
        if (entries_.size() >= 128) entries_.clear();  // a simple bound; entries are cheap to redo
        entries_[key] = value;
        return value;
    }

  private:
    std::mutex m_;
    int64_t version_ = -1;
    std::map<std::string, std::shared_ptr<const T>> entries_;
};

}  // namespace curcrunch::serve
