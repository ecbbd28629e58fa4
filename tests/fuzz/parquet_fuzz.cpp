// libFuzzer harness for the Parquet reader: the input is a whole file. It is opened the way
// the ingest opens files (a read-only mapping, through a memfd), planned against the ingest
// schema and every row group read into a rollup with --on-error=skip semantics, so the footer
// decoder, the page reader, every codec and decoder and the row-group adapter all see it.
// A FormatError or Error(input) is the correct answer to damage; anything else (a crash, a
// sanitizer report, a leak, an unbounded allocation) is a finding.
// Run it with tests/fuzz/run.sh SECONDS parquet (see tests/fuzz/README.md).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "curcrunch/core/error.hpp"
#include "curcrunch/ingest/parquet/format_error.hpp"
#include "curcrunch/ingest/parquet/parquet_file.hpp"
#include "curcrunch/ingest/parquet/row_group_reader.hpp"
#include "curcrunch/ingest/stage_stats.hpp"

using namespace curcrunch;
using namespace curcrunch::ingest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const int fd = ::memfd_create("parquet-fuzz", MFD_CLOEXEC);
    if (fd < 0) return 0;
    if (size > 0 && ::write(fd, data, size) != static_cast<ssize_t>(size)) {
        ::close(fd);
        return 0;
    }
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    try {
        parquet::ParquetFile file(path);
        const parquet::ParquetPlan plan = parquet::plan_parquet(file);
        parquet::RowGroupReader reader;
        // Inputs of odd size run with `--stats`: the row decoder's timed copy is fuzzed too.
        StageStats stats;
        for (size_t g = 0; g < file.row_groups() && g < 64; ++g) {
            Rollup out;
            const StageTimer decode(size % 2 ? &stats : nullptr, Stage::decode);
            try {
                reader.read(file, plan, g, out, 0, true, [](RowProblem) {});
            } catch (const parquet::FormatError&) {
            }
        }
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::input) __builtin_trap();  // damage must be "bad input"
    } catch (const parquet::FormatError&) {
        __builtin_trap();  // must have been given its context and turned into Error(input)
    }
    ::close(fd);
    return 0;
}
