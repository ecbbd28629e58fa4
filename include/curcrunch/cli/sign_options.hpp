#pragma once
// --sign-cert, --sign-key, --sign-key-pass-file: signing the PDFs a command writes (PAdES B-B,
// report/pdf_sign.hpp), as `report` does. Used by `billing run` for its invoice PDFs.
#include <optional>
#include <string>

#include "curcrunch/cli/options.hpp"
#include "curcrunch/report/pdf_sign.hpp"

namespace curcrunch::cli {

struct SignOptions {
    std::optional<std::string> cert, key, key_pass_file;
    void declare(OptionSet& o, const std::string& what);
    // The key, loaded and checked before anything is read or written; none when not asked
    // for. Usage errors (exit 2) for an incomplete set of options or an unusable key.
    std::optional<report::SigningKey> load() const;
};

}  // namespace curcrunch::cli
