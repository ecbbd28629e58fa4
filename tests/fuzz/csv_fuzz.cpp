// libFuzzer harness: the input is a CSV file (any dialect, any delimiter, quotes, BOM) ingested
// as a plain file.
#include "ingest_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace curcrunch::fuzz;
    const std::string path =
        scratch().write("input.csv", {reinterpret_cast<const char*>(data), size});
    ingest_file(path, false);
    return 0;
}
