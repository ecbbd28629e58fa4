// curcrunch serve: the local dashboard (serve/dashboard.hpp) until SIGINT or SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <thread>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/serve/dashboard.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class ServeCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"serve",
                "the local dashboard (http://127.0.0.1:8080/)",
                "curcrunch serve --db billing.db\n"
                "curcrunch serve --db billing.db --listen 0.0.0.0:8443 --token-file token.txt",
                {}};
    }

    void declare(OptionSet& o) override {
        const serve::ServeOptions d;  // the defaults --help shows
        store_.declare(o);
        o.value("--listen", listen_, "HOST:PORT",
                "the address to serve on; off loopback an access token is required");
        o.value("--token-file", token_file_, "FILE",
                "the access token (16+ characters); also turns the login on for loopback",
                "generated and printed when needed");
        o.list("--allow-host", allowed_hosts_, "NAME",
               "also answer requests for this host name (the name users open, a proxy's)");
        o.value("--threads", threads_, "N", "workers answering complete requests (1 to 256)",
                std::to_string(d.threads));
        o.value("--max-upload", max_upload_, "SIZE", "largest PDF accepted per upload", "64M");
        o.value("--trust-file", trust_file_, "PEM",
                "the certificates (PEM) an uploaded report's signature must chain to");
        o.flag("--require-signature", require_signature_,
               "refuse uploaded reports without a valid signature (needs --trust-file)");
    }

    int run() override {
        serve::ServeOptions o;
        o.db_path = store_.path();
        const size_t colon = listen_.rfind(':');
        if (colon == std::string::npos || colon == 0)
            throw_usage("--listen: expected HOST:PORT, got '" + listen_ + "'");
        o.host = listen_.substr(0, colon);
        if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']')
            o.host = o.host.substr(1, o.host.size() - 2);
        o.port = parse_int("--listen", listen_.substr(colon + 1), 0, 65535);
        if (token_file_) o.token_file = *token_file_;
        if (trust_file_) o.trust_file = *trust_file_;
        o.require_signature = require_signature_;
        if (max_upload_) o.max_upload_bytes = parse_size("--max-upload", *max_upload_);
        if (threads_) o.threads = parse_int("--threads", *threads_, 1, 256);
        o.allowed_hosts = allowed_hosts_;
        // A missing or foreign store is a store error (exit 4) with its own message, before the
        // server starts.
        store::Store::open(o.db_path, true);

        // SIGINT / SIGTERM end the server cleanly: a thread waits for them.
        sigset_t stop_signals;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGINT);
        sigaddset(&stop_signals, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
        serve::Dashboard dash(o);
        const int port = dash.bind();
        const std::string shown =
            o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
        std::printf("curcrunch dashboard: http://%s:%d/  (store %s; Ctrl-C stops it)\n",
                    shown.c_str(), port, o.db_path.c_str());
        if (dash.token_required() && serve::is_loopback(o.host))
            std::printf(
                "access token: the one in --token-file (asked on loopback too because a token "
                "file was given)\n");
        else if (dash.token_required())
            std::printf("access token (needed because %s is not a loopback address): %s\n",
                        o.host.c_str(),
                        o.token_file.empty() ? dash.token().c_str() : "the one in --token-file");
        std::fflush(stdout);
        std::thread waiter([&] {
            int sig = 0;
            sigwait(&stop_signals, &sig);
            dash.stop();
        });
        dash.run();
        pthread_kill(waiter.native_handle(), SIGTERM);
        waiter.join();
        return 0;
    }

  private:
    StoreOption store_;
    std::string listen_ = "127.0.0.1:8080";
    std::optional<std::string> token_file_, max_upload_, threads_, trust_file_;
    bool require_signature_ = false;
    std::vector<std::string> allowed_hosts_;
};

}  // namespace

std::unique_ptr<Command> make_serve_command() {
    return std::make_unique<ServeCommand>();
}

}  // namespace curcrunch::cli
