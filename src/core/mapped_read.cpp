#include "curcrunch/core/mapped_read.hpp"

#include <unistd.h>

#include <atomic>
#include <csetjmp>
#include <csignal>
#include <cstdint>
#include <cstring>

#include "curcrunch/core/abrupt_exit.hpp"
#include "curcrunch/core/error.hpp"

namespace curcrunch {
namespace {

// read_mapped()'s guard on this thread, or nullptr.
struct MappedReadGuard {
    uintptr_t begin = 0, end = 0;
    sigjmp_buf jump;
};

// Per thread, not global: each thread's own fault is matched against its own ranges. The
// handler runs on the faulting thread after the guard or scope was set, so the thread's
// storage exists and reading it allocates nothing.
thread_local MappedReadGuard* t_read_guard = nullptr;
thread_local const MappedFileScope* t_file_scope = nullptr;

void write_all(const char* s, size_t n) noexcept {
    while (n > 0) {
        const ssize_t w = ::write(STDERR_FILENO, s, n);
        if (w <= 0) return;
        s += w;
        n -= static_cast<size_t>(w);
    }
}

// Appends up to `n` bytes of `s` to the line at `at`, within `room`.
size_t append(char* line, size_t at, size_t room, const char* s, size_t n) noexcept {
    const size_t k = n < room - at ? n : room - at;
    std::memcpy(line + at, s, k);
    return at + k;
}

// Only async-signal-safe calls from here on: write(2), pause(2), unlink(2), _exit(2), signal(2),
// siglongjmp, and lock-free atomics.
[[noreturn]] void end_for_shrunk_file(const MappedFileScope& s) noexcept {
    // The parse threads read one mapping, so several can fault on its lost pages at once: the
    // first one writes the message and ends the process, the others wait for that end. Each
    // writing its message in three parts, two threads once interleaved theirs ("curcrunch:
    // error: curcrunch: error: PATHPATH: ..."), in the sanitizer build of the CI.
    static std::atomic_flag claimed = ATOMIC_FLAG_INIT;
    if (claimed.test_and_set())
        for (;;)
            ::pause();
    static const char kHead[] = "curcrunch: error: ";
    static const char kTail[] =
        ": the file became shorter while it was being read (another program truncated or "
        "rewrote it); the store was not changed\n";
    // One write(2) of the whole line (a path is at most PATH_MAX, 4096 bytes), so that nothing
    // another thread writes to stderr meanwhile lands inside it.
    char line[sizeof kHead + 4096 + sizeof kTail];
    size_t n = append(line, 0, sizeof line, kHead, sizeof kHead - 1);
    n = append(line, n, sizeof line - (sizeof kTail - 1), s.path, s.path_size);
    n = append(line, n, sizeof line, kTail, sizeof kTail - 1);
    write_all(line, n);
    // A new store this run was building holds nothing yet (the parse comes before the write):
    // it goes, as it would had the ingest unwound.
    remove_files_on_abrupt_exit();
    ::_exit(static_cast<int>(ErrorKind::input));
}

extern "C" void on_bus_error(int sig, siginfo_t* info, void*) {
    const auto at = reinterpret_cast<uintptr_t>(info->si_addr);
    if (MappedReadGuard* g = t_read_guard; g && at >= g->begin && at < g->end)
        siglongjmp(g->jump, 1);
    for (const MappedFileScope* s = t_file_scope; s; s = s->outer)
        if (at >= s->begin && at < s->end) end_for_shrunk_file(*s);
    // Not ours: the default action, which the repeated access then meets.
    std::signal(sig, SIG_DFL);
}

// Installed once per process, before the first guard; never removed (a SIGBUS outside every
// guard gets the default action anyway). SA_NODEFER is not set: SIGBUS stays blocked while
// the handler runs, and siglongjmp restores the mask sigsetjmp saved.
bool install_bus_error_handler() noexcept {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_bus_error;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO;
    return sigaction(SIGBUS, &sa, nullptr) == 0;
}

bool bus_error_handler_installed() noexcept {
    static const bool installed = install_bus_error_handler();
    return installed;
}

}  // namespace

bool read_mapped(const void* bytes, size_t n, MappedReader read, void* context) noexcept {
    if (!bus_error_handler_installed()) {  // cannot happen for SIGBUS; read unguarded
        read(context, bytes, n);
        return true;
    }
    MappedReadGuard guard;
    guard.begin = reinterpret_cast<uintptr_t>(bytes);
    guard.end = guard.begin + n;
    // Nothing in this frame changes between sigsetjmp and a jump back, so no local needs to be
    // volatile; the guard is cleared on both paths. Guards do not nest: the handler jumps to
    // the one set last.
    if (sigsetjmp(guard.jump, 1) != 0) {
        t_read_guard = nullptr;
        return false;
    }
    t_read_guard = &guard;
    read(context, bytes, n);
    t_read_guard = nullptr;
    return true;
}

MappedFileScope::MappedFileScope(const void* bytes, size_t n, const std::string& file) noexcept
    : begin(reinterpret_cast<uintptr_t>(bytes)),
      end(reinterpret_cast<uintptr_t>(bytes) + n),
      path(file.c_str()),
      path_size(file.size()),
      outer(t_file_scope) {
    bus_error_handler_installed();
    t_file_scope = this;
}

MappedFileScope::~MappedFileScope() {
    t_file_scope = outer;
}

}  // namespace curcrunch
