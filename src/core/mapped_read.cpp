#include "curcrunch/core/mapped_read.hpp"

#include <csetjmp>
#include <csignal>
#include <cstdint>
#include <cstring>

namespace curcrunch {
namespace {

// The read under guard on this thread, or nullptr. Per thread, not global: each thread's own
// fault is matched against its own range. The handler runs on the faulting thread, after
// read_mapped() set this (so the thread's storage exists: the handler allocates nothing).
struct MappedReadGuard {
    uintptr_t begin = 0, end = 0;
    sigjmp_buf jump;
};
thread_local MappedReadGuard* t_mapped_read_guard = nullptr;

extern "C" void on_bus_error(int sig, siginfo_t* info, void*) {
    MappedReadGuard* g = t_mapped_read_guard;
    const auto at = reinterpret_cast<uintptr_t>(info->si_addr);
    if (g && at >= g->begin && at < g->end) siglongjmp(g->jump, 1);
    // Not a guarded read: the default action, which the repeated access then meets.
    std::signal(sig, SIG_DFL);
}

// Installed once per process, before the first guarded read; never removed (a SIGBUS outside
// a guard gets the default action anyway). SA_NODEFER is not set: SIGBUS stays blocked while
// the handler runs, and siglongjmp restores the mask sigsetjmp saved.
bool install_bus_error_handler() noexcept {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_bus_error;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO;
    return sigaction(SIGBUS, &sa, nullptr) == 0;
}

}  // namespace

bool read_mapped(const void* bytes, size_t n, MappedReader read, void* context) noexcept {
    static const bool installed = install_bus_error_handler();
    if (!installed) {  // cannot happen for SIGBUS; read unguarded, as before the guard existed
        read(context, bytes, n);
        return true;
    }
    MappedReadGuard guard;
    guard.begin = reinterpret_cast<uintptr_t>(bytes);
    guard.end = guard.begin + n;
    // Nothing in this frame changes between sigsetjmp and a jump back, so no local needs to be
    // volatile; the guard is cleared on both paths.
    if (sigsetjmp(guard.jump, 1) != 0) {
        t_mapped_read_guard = nullptr;
        return false;
    }
    t_mapped_read_guard = &guard;
    read(context, bytes, n);
    t_mapped_read_guard = nullptr;
    return true;
}

}  // namespace curcrunch
