#include "curcrunch/core/abrupt_exit.hpp"

#include <limits.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace curcrunch {
namespace {

enum SlotState : int { kFree, kFilling, kArmed, kTaken };

struct Slot {
    std::atomic<int> state{kFree};
    char base[PATH_MAX];
    size_t base_size = 0;
    const char* const* suffixes = nullptr;
    size_t count = 0;
};
static_assert(std::atomic<int>::is_always_lock_free, "the handler may use only lock-free atomics");

// Process-wide, as the signal handler that reads it must be: a handler has no other way to
// reach what the process registered. Four entries: one store is built at a time per command.
constexpr int kSlots = 4;
Slot* slots() noexcept {
    static Slot all[kSlots];
    return all;
}

}  // namespace

bool RemovedOnAbruptExit::arm(const std::string& base, const char* const* suffixes,
                              size_t count) noexcept {
    disarm();
    if (base.size() >= PATH_MAX) return false;
    for (int i = 0; i < kSlots; ++i) {
        Slot& s = slots()[i];
        int free = kFree;
        if (!s.state.compare_exchange_strong(free, kFilling, std::memory_order_acquire)) continue;
        std::memcpy(s.base, base.data(), base.size());
        s.base_size = base.size();
        s.suffixes = suffixes;
        s.count = count;
        s.state.store(kArmed, std::memory_order_release);
        slot_ = i;
        return true;
    }
    return false;
}

// An entry the handler took stays taken: the process is ending, and the name it reads must not
// be overwritten by a new arm().
void RemovedOnAbruptExit::disarm() noexcept {
    if (slot_ < 0) return;
    int armed = kArmed;
    slots()[slot_].state.compare_exchange_strong(armed, kFree, std::memory_order_acq_rel);
    slot_ = -1;
}

void remove_files_on_abrupt_exit() noexcept {
    for (int i = 0; i < kSlots; ++i) {
        Slot& s = slots()[i];
        int armed = kArmed;
        if (!s.state.compare_exchange_strong(armed, kTaken, std::memory_order_acquire)) continue;
        for (size_t k = 0; k < s.count; ++k) {
            char name[PATH_MAX + 64];
            const size_t n = std::strlen(s.suffixes[k]);
            if (s.base_size + n >= sizeof name) continue;
            std::memcpy(name, s.base, s.base_size);
            std::memcpy(name + s.base_size, s.suffixes[k], n + 1);
            ::unlink(name);
        }
    }
}

}  // namespace curcrunch
