// libFuzzer harness: the input is a PDF given to import-pdf (the dashboard's upload calls the
// same function). Whatever the bytes, the outcome is imported, duplicate or failed with a
// reason; nothing may escape.
#include <optional>

#include "curcrunch/report/pdf_import.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace curcrunch;
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    try {
        const report::ImportOutcome o =
            report::import_pdf_bytes(fuzz::memory_store().db(), "fuzz.pdf", bytes, std::nullopt);
        if (o.status == report::ImportOutcome::Status::failed && o.error.empty())
            fuzz::finding("a failed import without a reason", "");
    } catch (const std::exception& e) {
        fuzz::finding("import-pdf let an exception escape", e.what());
    }
    return 0;
}
