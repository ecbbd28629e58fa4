#pragma once
// The logger is the one global in curcrunch: human messages on stderr, filtered by level.
// Nothing logged may contain a secret; log names and counts, never credential values.
#include <string>

namespace curcrunch::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, quiet = 4 };

void set_level(Level level);
Level level();
void debug(const std::string& msg);
void info(const std::string& msg);
void warn(const std::string& msg);
void error(const std::string& msg);

}  // namespace curcrunch::log
