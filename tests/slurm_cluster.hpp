#pragma once
// A real Slurm cluster for one test: tests/slurm/single_host_cluster.sh starts a private munged,
// slurmctld and slurmd (config, state, logs and sockets in a fresh /tmp/curcrunch-slurm-XXXXXX,
// free ports on 127.0.0.1) and stops them — jobs included — when the object goes away. A
// cluster left by a killed earlier run is stopped by the next start (its owner pid is gone).
//
// Programs are run without a shell: run_program(argv, env) with stdout and stderr captured.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace testsupport {

// Runs argv[0] (found in PATH) with `env` entries added to the inherited environment.
inline RunResult run_program(const std::vector<std::string>& argv_in,
                             const std::vector<std::string>& env = {}) {
    TempDir io;
    const std::string out_path = io / "out", err_path = io / "err";
    std::vector<std::string> env_strings = environment_with(env);
    std::vector<std::string> arg_strings = argv_in;
    const pid_t pid = spawn_redirected(c_strings(arg_strings), c_strings(env_strings), out_path,
                                       err_path, /*search_path=*/true);
    int status = 0;
    waitpid(pid, &status, 0);
    return RunResult{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                     read_file(out_path), read_file(err_path)};
}

class SlurmCluster {
  public:
    // `settings`: environment entries for single_host_cluster.sh start, e.g.
    // CURCRUNCH_SLURM_MAX_ARRAY_SIZE=10 (see the script's header).
    explicit SlurmCluster(const std::vector<std::string>& settings = {}) {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "curcrunch-slurm-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) {
            error_ = "mkdtemp failed";
            return;
        }
        dir_ = tmpl;
        const RunResult r =
            run_program({script(), "start", dir_, std::to_string(getpid())}, settings);
        const std::string prefix = "export SLURM_CONF=";
        if (r.exit_code != 0 || r.out.rfind(prefix, 0) != 0) {
            error_ = "exit " + std::to_string(r.exit_code) + ": " + r.err + r.out;
            return;
        }
        conf_ = r.out.substr(prefix.size());
        while (!conf_.empty() && (conf_.back() == '\n' || conf_.back() == '\r'))
            conf_.pop_back();
    }
    ~SlurmCluster() {
        if (!stopped_) stop();
        std::error_code ec;
        if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
    }
    SlurmCluster(const SlurmCluster&) = delete;
    SlurmCluster& operator=(const SlurmCluster&) = delete;

    // "" when the cluster runs, else why it could not start.
    const std::string& error() const { return error_; }
    // SLURM_CONF=..., for the environment of every Slurm command and script.
    std::string conf_env() const { return "SLURM_CONF=" + conf_; }
    const std::string& dir() const { return dir_; }

    // Stops the daemons and jobs; returns the script's complaints ("" when all went away).
    std::string stop() {
        stopped_ = true;
        if (dir_.empty()) return "";
        const RunResult r = run_program({script(), "stop", dir_});
        return r.exit_code == 0 ? r.err : "exit " + std::to_string(r.exit_code) + ": " + r.err;
    }

    // A Slurm command against this cluster.
    RunResult run(std::vector<std::string> argv, std::vector<std::string> env = {}) const {
        env.push_back(conf_env());
        return run_program(argv, env);
    }

    // A field of `scontrol show job ID` ("" when Slurm does not know the job).
    std::string job_field(const std::string& id, const std::string& field) const {
        const RunResult r = run({"scontrol", "show", "job", "-o", id});
        const std::string key = " " + field + "=";
        const size_t at = (" " + r.out).find(key);
        if (r.exit_code != 0 || at == std::string::npos) return "";
        const size_t start = at + key.size() - 1;
        return r.out.substr(start, r.out.find_first_of(" \n", start) - start);
    }

    // Polls `done` every 100 ms until it returns true or `seconds` pass.
    template <class F>
    static bool wait_for(F done, int seconds) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
        while (std::chrono::steady_clock::now() < deadline) {
            if (done()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return done();
    }

  private:
    static std::string script() {
        return std::string(CURCRUNCH_SOURCE_DIR) + "/tests/slurm/single_host_cluster.sh";
    }
    std::string dir_, conf_, error_;
    bool stopped_ = false;
};

}  // namespace testsupport
