#pragma once
// Random tokens (access token, session ids, form-token keys) and their comparison.
#include <string>
#include <string_view>

namespace curcrunch::serve {

// `bytes` bytes from OpenSSL's CSPRNG, as lower-case hex; throws Error(internal) without entropy.
std::string random_hex(size_t bytes);

// Equal length and bytes, in time independent of where they differ.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace curcrunch::serve
