#pragma once
// Results a page computes from the store (a query by tag, a month-over-month table), kept per
// key for as long as the store version they were computed at is current: a page, its JSON twin
// and paging or sorting through them reuse one computation. Requests arriving together for a key
// not computed yet wait for one computation instead of each running it. Safe from any worker.
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
        std::shared_ptr<Entry> e;
        {
            std::lock_guard<std::mutex> l(m_);
            if (version_ != version) {
                entries_.clear();
                version_ = version;
            }
            if (entries_.size() >= 128 && !entries_.count(key))
                entries_.clear();  // a simple bound; entries are cheap to redo
            auto& slot = entries_[key];
            if (!slot) slot = std::make_shared<Entry>();
            e = slot;
        }
        // Computed under the entry's own lock: other keys go on meanwhile. When make() throws
        // the entry stays empty and the next request tries again.
        std::lock_guard<std::mutex> l(e->m);
        if (!e->value) e->value = std::make_shared<const T>(make());
        return e->value;
    }

  private:
    struct Entry {
        std::mutex m;
        std::shared_ptr<const T> value;
    };
    std::mutex m_;
    int64_t version_ = -1;
    std::map<std::string, std::shared_ptr<Entry>> entries_;
};

}  // namespace curcrunch::serve
