// libFuzzer harness: the input is the JSON document a report PDF embeds, parsed as import-pdf
// parses it. Only Error(input) may come out.
#include "curcrunch/report/report_json.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace curcrunch;
    try {
        report::parse_report_json({reinterpret_cast<const char*>(data), size});
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::input) fuzz::finding("unexpected error kind", e.what());
    }
    return 0;
}
