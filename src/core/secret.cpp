#include "curcrunch/core/secret.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

namespace curcrunch {

// The live Secret objects, in a list linked through them. Every change to a listed object's
// value is made under `m`, so that without_held_secrets(), which reads the values of objects
// other threads own, never reads one while it changes.
struct HeldSecrets {
    std::mutex m;
    Secret* head = nullptr;
    // How many listed objects hold a value: text passes untouched, without the lock, when none.
    std::atomic<size_t> holding{0};

    // Never destroyed: a Secret with static storage may outlive any registry that were.
    static HeldSecrets& list() {
        static HeldSecrets* held = new HeldSecrets;
        return *held;
    }
    void link(Secret* s) noexcept {
        s->prev_ = nullptr;
        s->next_ = head;
        if (head) head->prev_ = s;
        head = s;
        if (!s->value_.empty()) ++holding;
    }
    std::string blank(std::string_view text) {
        std::string out(text);
        if (holding.load() == 0 || out.empty()) return out;
        std::lock_guard<std::mutex> l(m);
        std::vector<std::string_view> values;
        for (const Secret* s = head; s; s = s->next_)
            if (s->value_.size() >= kShortestHiddenSecret) values.push_back(s->value_);
        // Longest first: a value that contains another is blanked whole, not around the other.
        std::sort(values.begin(), values.end(),
                  [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
        const std::string_view mark = "(not shown)";
        for (std::string_view v : values)
            for (size_t at = out.find(v); at != std::string::npos;
                 at = out.find(v, at + mark.size()))
                out.replace(at, v.size(), mark);
        return out;
    }
    void unlink(Secret* s) noexcept {
        if (s->prev_)
            s->prev_->next_ = s->next_;
        else
            head = s->next_;
        if (s->next_) s->next_->prev_ = s->prev_;
        s->prev_ = s->next_ = nullptr;
        if (!s->value_.empty()) --holding;
    }
};

Secret::Secret() noexcept {
    HeldSecrets& h = HeldSecrets::list();
    std::lock_guard<std::mutex> l(h.m);
    h.link(this);
}

Secret::Secret(std::string value) noexcept : value_(std::move(value)) {
    HeldSecrets& h = HeldSecrets::list();
    std::lock_guard<std::mutex> l(h.m);
    h.link(this);
}

Secret::Secret(const Secret& o) : value_(o.value_) {
    HeldSecrets& h = HeldSecrets::list();
    std::lock_guard<std::mutex> l(h.m);
    h.link(this);
}

Secret::Secret(Secret&& o) noexcept {
    HeldSecrets& h = HeldSecrets::list();
    std::lock_guard<std::mutex> l(h.m);
    if (!o.value_.empty()) --h.holding;
    value_ = std::move(o.value_);
    o.wipe();
    h.link(this);
}

Secret& Secret::operator=(Secret o) noexcept {
    HeldSecrets& h = HeldSecrets::list();
    std::lock_guard<std::mutex> l(h.m);
    // `o`'s value, counted already, moves here; only the one wiped stops counting.
    if (!value_.empty()) --h.holding;
    wipe();
    value_.swap(o.value_);
    return *this;
}

Secret::~Secret() {
    HeldSecrets& h = HeldSecrets::list();
    std::lock_guard<std::mutex> l(h.m);
    h.unlink(this);
    wipe();
}

std::string without_held_secrets(std::string_view text) {
    return HeldSecrets::list().blank(text);
}

}  // namespace curcrunch
