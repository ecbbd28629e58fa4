#pragma once
// Reading a file through a mapping without dying when the file shrinks under it.
//
// A page of a mapping that lies past the file's end (another process truncated the file after
// it was mapped) cannot be read: the kernel sends SIGBUS, whose default action ends the process
// without a word, and with the store's transaction open. read_mapped() runs a read of mapped
// bytes under a guard that turns that SIGBUS into a `false` return, so the caller can say what
// happened (Error(input), the store unchanged).
//
// How: a SIGBUS handler, installed once, looks at the guard of the thread that faulted (SIGBUS
// from an access is delivered to the faulting thread) and, when the faulting address lies in
// the guarded range, jumps back into read_mapped() (siglongjmp). Anything else is not ours:
// the handler restores the default action and returns, the access faults again and the process
// ends as it would have without the handler.
//
// The jump skips the frames of `read` without unwinding them, so `read` must own nothing that
// needs destroying (no C++ objects with destructors, no locks): a hash update or a byte scan.
// What `read` wrote before the fault is left half done; the caller discards it.
#include <cstddef>

namespace curcrunch {

using MappedReader = void (*)(void* context, const void* bytes, size_t n);

// Calls read(context, bytes, n); returns false when a SIGBUS in [bytes, bytes + n) stopped it.
bool read_mapped(const void* bytes, size_t n, MappedReader read, void* context) noexcept;

}  // namespace curcrunch
