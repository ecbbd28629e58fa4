#include "curcrunch/core/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace curcrunch::log {
namespace {
std::atomic<Level> g_level{Level::info};
std::mutex g_mutex;

void emit(Level lv, const char* tag, const std::string& msg) {
    if (lv < g_level.load(std::memory_order_relaxed)) return;
    std::lock_guard<std::mutex> lock(g_mutex);
    std::fprintf(stderr, "curcrunch: %s%s\n", tag, msg.c_str());
}
}  // namespace

void set_level(Level level) {
    g_level.store(level);
}
Level level() {
    return g_level.load();
}
void debug(const std::string& msg) {
    emit(Level::debug, "debug: ", msg);
}
void info(const std::string& msg) {
    emit(Level::info, "", msg);
}
void warn(const std::string& msg) {
    emit(Level::warn, "warning: ", msg);
}
void error(const std::string& msg) {
    emit(Level::error, "error: ", msg);
}

}  // namespace curcrunch::log
