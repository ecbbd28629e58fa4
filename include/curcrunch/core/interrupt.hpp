#pragma once
// SIGINT and SIGTERM during long all-or-nothing work (an ingest). While an InterruptScope is
// alive the first of these signals is only recorded; the work polls throw_if_interrupted() at
// points where stopping is safe (between chunks, between batches of store writes), unwinds —
// the store's transaction rolls back and the progress line is finished by their destructors —
// and the CLI says "interrupted, nothing written" and exits 128 + the signal's number (130 for
// SIGINT, 143 for SIGTERM). The handler resets itself, so a second signal ends the process at
// once; that too leaves the store as it was, because a SQLite commit is atomic (in WAL mode,
// and with the rollback journal of a new store's first ingest, which the next open plays back).
#include <signal.h>

namespace curcrunch {

class InterruptScope {
  public:
    InterruptScope();   // installs the handlers and clears any earlier signal
    ~InterruptScope();  // restores the handlers that were there before
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;

  private:
    struct sigaction previous_[2];  // SIGINT, SIGTERM
};

// The signal that arrived inside the current scope, or 0.
int interrupt_signal() noexcept;

// Throws Error(interrupted) with exit code 128 + signal when a signal arrived.
void throw_if_interrupted();

}  // namespace curcrunch
