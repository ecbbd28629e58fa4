#pragma once
// How much memory this process may use: the machine's physical memory, or less when the process
// runs in a control group with a memory limit (a container, a systemd unit, a Slurm job step),
// whichever is lower. An ingest holds every group it finds until its store write, so an export
// whose groups grow with its size can outgrow the machine; the engine checks its groups against
// this (ingest/engine_core.cpp), so that such an ingest stops with a message and an exit code
// instead of being ended by the kernel's out-of-memory killer with neither.
#include <cstdint>
#include <string>

namespace curcrunch {

// No limit is known.
inline constexpr uint64_t kNoMemoryLimit = UINT64_MAX;

// The lowest memory limit set on the control group that `proc_self_cgroup` (the text of
// /proc/self/cgroup) names, or on any group above it, read from the files under `cgroup_root`
// (normally /sys/fs/cgroup): cgroup v2's memory.max ("max": none) in the unified hierarchy, and
// cgroup v1's memory.limit_in_bytes under memory/ (v1 writes "no limit" as a number near 2^63).
// kNoMemoryLimit when no group sets one or no file can be read: a missing limit never stops
// anything.
uint64_t cgroup_memory_limit(const std::string& proc_self_cgroup, const std::string& cgroup_root);

// min(this machine's physical memory, this process's control group limit); kNoMemoryLimit when
// neither is known.
uint64_t usable_memory_bytes();

// "640 KiB", "512 MiB", "1.6 GiB": a size for messages, rounded down (GiB to a tenth).
std::string memory_size_text(uint64_t bytes);

}  // namespace curcrunch
