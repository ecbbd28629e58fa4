#include "curcrunch/cli/args.hpp"

#include "curcrunch/core/error.hpp"

namespace curcrunch::cli {

Args::Args(int argc, char** argv, int first, const std::set<std::string>& flags,
           const std::set<std::string>& options) {
    bool only_positional = false;
    for (int i = first; i < argc; ++i) {
        std::string a = argv[i];
        if (only_positional || a.size() < 2 || a[0] != '-' || a == "-") {
            positional_.push_back(a);
            continue;
        }
        if (a == "--") {
            only_positional = true;
            continue;
        }
        std::string name = a.substr(a[1] == '-' ? 2 : 1), value;
        bool has_value = false;
        if (size_t eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
            has_value = true;
        }
        if (flags.count(name)) {
            if (has_value) throw_usage("option --" + name + " takes no value");
            flags_.insert(name);
        } else if (options.count(name)) {
            if (!has_value) {
                if (i + 1 >= argc) throw_usage("option --" + name + " needs a value");
                value = argv[++i];
            }
            values_.emplace(name, value);
        } else {
            throw_usage("unknown option " + a + " (see `curcrunch help`)");
        }
    }
}

std::optional<std::string> Args::get(const std::string& name) const {
    auto r = values_.equal_range(name);
    if (r.first == r.second) return std::nullopt;
    auto last = r.second;
    --last;
    return last->second;
}

std::vector<std::string> Args::all(const std::string& name) const {
    std::vector<std::string> out;
    auto r = values_.equal_range(name);
    for (auto it = r.first; it != r.second; ++it) {
        std::string v = it->second;
        size_t start = 0;
        while (start <= v.size()) {
            size_t comma = v.find(',', start);
            std::string part =
                v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!part.empty()) out.push_back(part);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    return out;
}

}  // namespace curcrunch::cli
