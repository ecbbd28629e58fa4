// libFuzzer harness: a filter list as the command line and the dashboard's URLs give it
// (core/value_list.hpp). Reading it must either refuse it, leaving what was read before
// untouched, or give non-empty values that, written back as one list, read back the same; and
// every value written alone must read back as itself.
#include <cstdlib>
#include <string>
#include <vector>

#include "curcrunch/core/value_list.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> values = {"kept"};
    if (!curcrunch::split_value_list(text, values)) {
        if (values.size() != 1 || values[0] != "kept") std::abort();  // refused, yet changed
        return 0;
    }
    values.erase(values.begin());
    for (const std::string& v : values)
        if (v.empty()) std::abort();
    std::vector<std::string> again;
    if (!curcrunch::split_value_list(curcrunch::join_value_list(values), again) || again != values)
        std::abort();
    std::vector<std::string> one;
    if (!curcrunch::split_value_list(curcrunch::escape_list_value(text), one) ||
        one != (text.empty() ? std::vector<std::string>{} : std::vector<std::string>{text}))
        std::abort();
    return 0;
}
