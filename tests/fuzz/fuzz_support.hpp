#pragma once
// What the harnesses share: a scratch folder for inputs that the library reads from files, an
// in-memory store reused across inputs, and the rule for what counts as a finding. Bad input
// is expected (Error of kind input, or a failed import outcome); anything else escaping —
// another exception, a crash, a sanitizer report, a store that no longer answers — is a bug.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "curcrunch/core/error.hpp"
#include "curcrunch/store/query.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::fuzz {

// A private folder for this process's input files, removed at exit.
class Scratch {
  public:
    Scratch() {
        std::string t = (std::filesystem::temp_directory_path() / "curcrunch-fuzz-XXXXXX").string();
        if (!::mkdtemp(t.data())) std::abort();
        dir_ = t;
    }
    ~Scratch() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    // Writes `bytes` to a file named `name` in the folder; returns its path.
    std::string write(const std::string& name, std::string_view bytes) const {
        const std::string path = (dir_ / name).string();
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        return path;
    }

  private:
    std::filesystem::path dir_;
};

inline Scratch& scratch() {
    static Scratch s;
    return s;
}

// One in-memory store for the whole run (creating the schema per input would dominate).
inline store::Store& memory_store() {
    static std::unique_ptr<store::Store> s = store::Store::open(":memory:");
    return *s;
}

// A finding: say what and stop, so libFuzzer keeps the input.
[[noreturn]] inline void finding(const char* what, const std::string& detail) {
    std::fprintf(stderr, "curcrunch fuzz finding: %s: %s\n", what, detail.c_str());
    std::abort();
}

// The store must answer after every ingest: what a poisoned store would fail.
inline void expect_store_readable(store::Store& st) {
    try {
        st.periods();
        store::Query q;
        q.grain = store::Grain::month;
        q.by = store::Dimension::service;
        q.any_currency = true;  // two currencies are refused by design, not a poisoned store
        store::run_query(st.db(), q);
    } catch (const std::exception& e) {
        finding("the store no longer answers", e.what());
    }
}

}  // namespace curcrunch::fuzz
