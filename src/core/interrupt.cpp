#include "curcrunch/core/interrupt.hpp"

#include <atomic>
#include <cstring>
#include <string>

#include "curcrunch/core/error.hpp"

namespace curcrunch {
namespace {

// The signal that arrived, or 0. A signal handler can reach nothing but a global, and a
// lock-free atomic is the only kind of object it may write; so this is, with the logger, the
// one global in curcrunch.
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

constexpr int kSignals[2] = {SIGINT, SIGTERM};

extern "C" void on_stop_signal(int sig) {
    g_signal.store(sig, std::memory_order_relaxed);
}

}  // namespace

InterruptScope::InterruptScope() {
    g_signal.store(0);
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    // SA_RESETHAND: the next signal gets the default action (the process ends at once).
    // SA_RESTART: reads and waits elsewhere carry on; the work notices at its next poll.
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    for (int i = 0; i < 2; ++i)
        sigaction(kSignals[i], &sa, &previous_[i]);
}

InterruptScope::~InterruptScope() {
    for (int i = 0; i < 2; ++i)
        sigaction(kSignals[i], &previous_[i], nullptr);
}

int interrupt_signal() noexcept {
    return g_signal.load(std::memory_order_relaxed);
}

void throw_if_interrupted() {
    const int sig = interrupt_signal();
    if (sig == 0) return;
    const char* name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
    throw Error(ErrorKind::interrupted,
                std::string("interrupted, nothing written (") + name + "; the store is unchanged)",
                128 + sig);
}

}  // namespace curcrunch
