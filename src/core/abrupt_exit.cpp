#include "curcrunch/core/abrupt_exit.hpp"

#include <limits.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace curcrunch {
namespace {

enum AbruptExitSlotState : int { kSlotFree, kSlotFilling, kSlotArmed, kSlotTaken };

struct AbruptExitSlot {
    std::atomic<int> state{kSlotFree};
    char base[PATH_MAX];
    size_t base_size = 0;
    const char* const* suffixes = nullptr;
    size_t count = 0;
};
static_assert(std::atomic<int>::is_always_lock_free, "the handler may use only lock-free atomics");

// Process-wide, as the signal handler that reads it must be: a handler has no other way to
// reach what the process registered. Four entries: one store is built at a time per command.
constexpr int kAbruptExitSlots = 4;
AbruptExitSlot* abrupt_exit_slots() noexcept {
    static AbruptExitSlot all[kAbruptExitSlots];
    return all;
}

}  // namespace

bool RemovedOnAbruptExit::arm(const std::string& base, const char* const* suffixes,
                              size_t count) noexcept {
    disarm();
    if (base.size() >= PATH_MAX) return false;
    for (int i = 0; i < kAbruptExitSlots; ++i) {
        AbruptExitSlot& s = abrupt_exit_slots()[i];
        int free = kSlotFree;
        if (!s.state.compare_exchange_strong(free, kSlotFilling, std::memory_order_acquire))
            continue;
        std::memcpy(s.base, base.data(), base.size());
        s.base_size = base.size();
        s.suffixes = suffixes;
        s.count = count;
        s.state.store(kSlotArmed, std::memory_order_release);
        slot_ = i;
        return true;
    }
    return false;
}

// An entry the handler took stays taken: the process is ending, and the name it reads must not
// be overwritten by a new arm().
void RemovedOnAbruptExit::disarm() noexcept {
    if (slot_ < 0) return;
    int armed = kSlotArmed;
    abrupt_exit_slots()[slot_].state.compare_exchange_strong(armed, kSlotFree,
                                                             std::memory_order_acq_rel);
    slot_ = -1;
}

void remove_files_on_abrupt_exit() noexcept {
    for (int i = 0; i < kAbruptExitSlots; ++i) {
        AbruptExitSlot& s = abrupt_exit_slots()[i];
        int armed = kSlotArmed;
        if (!s.state.compare_exchange_strong(armed, kSlotTaken, std::memory_order_acquire))
            continue;
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
