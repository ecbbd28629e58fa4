#pragma once
// Reading a file through a mapping without dying silently when the file shrinks under it.
//
// A page of a mapping that lies past the file's end (another process truncated the file after
// it was mapped) cannot be read: the kernel sends SIGBUS, whose default action ends the process
// without a word ("Bus error"). Two guards, both per thread, say what happened instead:
//
// - read_mapped() runs a read of mapped bytes under a guard that turns that SIGBUS into a
//   `false` return, so the caller can throw Error(input) and unwind as for any bad input. The
//   jump back skips the frames of `read` without unwinding them, so `read` must own nothing that
//   needs destroying (no C++ objects with destructors, no locks): a hash update or a byte scan.
//   What `read` wrote before the fault is left half done; the caller discards it.
// - A MappedFileScope covers code that cannot be stopped halfway, such as the parse, which
//   builds rollups in C++ containers: a SIGBUS in its range ends the process at once with the
//   exit code of bad input (3) and a message naming the file. The parse runs before the store
//   write begins, so the store is as it was; a new store being built goes with its lock file
//   (core/abrupt_exit.hpp).
//
// How: a SIGBUS handler, installed once, looks at the guards of the thread that faulted (SIGBUS
// from an access is delivered to the faulting thread): first read_mapped's, then the scopes,
// innermost first. A fault in none of their ranges is not ours: the handler restores the
// default action and returns, the access faults again and the process ends as it would have
// without the handler.
#include <cstddef>
#include <cstdint>
#include <string>

namespace curcrunch {

using MappedReader = void (*)(void* context, const void* bytes, size_t n);

// Calls read(context, bytes, n); returns false when a SIGBUS in [bytes, bytes + n) stopped it.
bool read_mapped(const void* bytes, size_t n, MappedReader read, void* context) noexcept;

// While alive, a SIGBUS on this thread at an address in [bytes, bytes + n) ends the process
// with exit code 3 and "curcrunch: error: PATH: the file became shorter while it was being
// read ...". Scopes nest (the innermost is looked at first); each must end on the thread that
// began it, in reverse order, which a scope on the stack does; `path` must outlive it.
class MappedFileScope {
  public:
    MappedFileScope(const void* bytes, size_t n, const std::string& path) noexcept;
    ~MappedFileScope();
    MappedFileScope(const MappedFileScope&) = delete;
    MappedFileScope& operator=(const MappedFileScope&) = delete;

    // For the handler: the scope's range and file, and the scope it covers.
    uintptr_t begin, end;
    const char* path;
    size_t path_size;
    const MappedFileScope* outer;
};

}  // namespace curcrunch
