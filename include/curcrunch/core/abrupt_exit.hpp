#pragma once
// Files that must not outlive a process which ends at once, from a signal handler.
//
// Some ends cannot unwind: a file truncated under the parse ends the process from its SIGBUS
// handler (core/mapped_read.hpp), so no destructor runs. A file this process made and nobody
// else may read yet (a new store being built, store/building_file.hpp) would be left behind.
// While armed, a RemovedOnAbruptExit names such a file; remove_files_on_abrupt_exit(), called
// by that handler just before _exit, removes them.
//
// What the handler reads is fixed-size storage written before the entry is armed, so removing
// needs only unlink(2) and lock-free atomics: it is async-signal-safe. An entry taken by the
// handler is never reused, so a thread disarming or re-arming meanwhile cannot change the name
// under it.
#include <cstddef>
#include <string>

namespace curcrunch {

class RemovedOnAbruptExit {
  public:
    RemovedOnAbruptExit() noexcept = default;
    ~RemovedOnAbruptExit() { disarm(); }
    RemovedOnAbruptExit(const RemovedOnAbruptExit&) = delete;
    RemovedOnAbruptExit& operator=(const RemovedOnAbruptExit&) = delete;
    // The entry moves with it: armed as it was.
    RemovedOnAbruptExit(RemovedOnAbruptExit&& other) noexcept : slot_(other.slot_) {
        other.slot_ = -1;
    }
    RemovedOnAbruptExit& operator=(RemovedOnAbruptExit&& other) noexcept {
        if (this != &other) {
            disarm();
            slot_ = other.slot_;
            other.slot_ = -1;
        }
        return *this;
    }

    // From now until disarm(), an abrupt end removes `base` + each of `suffixes` (string
    // literals, removed in this order: a lock file last). Returns false, removing nothing then,
    // when the name is longer than PATH_MAX or every entry is in use (few are: one per store
    // being built); the file is then left as before, to the next writer's clean-up.
    bool arm(const std::string& base, const char* const* suffixes, size_t count) noexcept;
    void disarm() noexcept;

  private:
    int slot_ = -1;
};

// Removes every armed entry's files. Async-signal-safe; for a handler that ends the process.
void remove_files_on_abrupt_exit() noexcept;

}  // namespace curcrunch
