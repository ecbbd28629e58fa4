#pragma once
// A small command-line parser: "--name value", "--name=value", flags, and positionals. Unknown
// options are usage errors (exit 2), never silently ignored.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace curcrunch::cli {

class Args {
  public:
    // `flags` take no value; `options` take one (repeatable ones keep every value).
    Args(int argc, char** argv, int first, const std::set<std::string>& flags,
         const std::set<std::string>& options);
    bool flag(const std::string& name) const { return flags_.count(name) > 0; }
    std::optional<std::string> get(const std::string& name) const;
    std::vector<std::string> all(const std::string& name) const;  // repeated and comma-separated
    const std::vector<std::string>& positional() const { return positional_; }

  private:
    std::set<std::string> flags_;
    std::multimap<std::string, std::string> values_;
    std::vector<std::string> positional_;
};

int run(int argc, char** argv);

}  // namespace curcrunch::cli
