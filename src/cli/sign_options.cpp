#include "curcrunch/cli/sign_options.hpp"

#include "curcrunch/core/error.hpp"

namespace curcrunch::cli {

void SignOptions::declare(OptionSet& o, const std::string& what) {
    o.value("--sign-cert", cert, "PEM",
            "sign " + what + " (PAdES B-B) with this certificate (then any intermediates)");
    o.value("--sign-key", key, "PEM", "the signing certificate's private key");
    o.value("--sign-key-pass-file", key_pass_file, "FILE",
            "the passphrase of an encrypted --sign-key (first line)");
}

std::optional<report::SigningKey> SignOptions::load() const {
    if (!cert && !key) {
        if (key_pass_file) throw_usage("--sign-key-pass-file needs --sign-cert and --sign-key");
        return std::nullopt;
    }
    if (!cert || !key) throw_usage("--sign-cert and --sign-key go together");
    std::optional<Secret> pass;
    if (key_pass_file) pass = report::read_passphrase_file(*key_pass_file);
    return report::SigningKey::load(*cert, *key, pass);
}

}  // namespace curcrunch::cli
