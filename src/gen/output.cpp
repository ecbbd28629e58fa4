#include "output.hpp"

#include "curcrunch/core/error.hpp"

namespace curcrunch::gen {

void write_text(const std::filesystem::path& p, const std::string& s) {
    std::filesystem::create_directories(p.parent_path());
    std::FILE* f = std::fopen(p.string().c_str(), "wb");
    if (!f) throw_usage(p.string() + ": cannot create");
    std::fwrite(s.data(), 1, s.size(), f);
    std::fclose(f);
}

}  // namespace curcrunch::gen
