#pragma once
// Errors are exceptions throughout curcrunch. Every error that reaches the user carries a kind,
// which the CLI maps to a documented exit code, and a message that already names the file, line
// and field it is about. Messages never contain secrets: callers build them from names, never
// from credential values.
#include <stdexcept>
#include <string>

namespace curcrunch {

enum class ErrorKind {
    internal = 1,  // a bug or an unexpected system failure
    usage = 2,     // bad command line or option value
    input = 3,     // bad input data (CSV, gzip, zip, manifest)
    store = 4,     // the SQLite store could not be read or written
    remote = 5,    // a remote service (AWS, Vault) failed after retries, or its circuit is open
    interrupted = 130,  // SIGINT or SIGTERM stopped the work (exit 128 + the signal's number)
};

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, const std::string& message)
        : std::runtime_error(message), kind_(kind), exit_code_(static_cast<int>(kind)) {}
    // An exit code other than the kind's (interrupted: 128 + signal).
    Error(ErrorKind kind, const std::string& message, int exit_code)
        : std::runtime_error(message), kind_(kind), exit_code_(exit_code) {}
    ErrorKind kind() const noexcept { return kind_; }
    int exit_code() const noexcept { return exit_code_; }

  private:
    ErrorKind kind_;
    int exit_code_;
};

[[noreturn]] inline void throw_input(const std::string& msg) {
    throw Error(ErrorKind::input, msg);
}
[[noreturn]] inline void throw_usage(const std::string& msg) {
    throw Error(ErrorKind::usage, msg);
}
[[noreturn]] inline void throw_store(const std::string& msg) {
    throw Error(ErrorKind::store, msg);
}

}  // namespace curcrunch
