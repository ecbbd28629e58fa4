#include "tokens.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <vector>

#include "curcrunch/core/error.hpp"

namespace curcrunch::serve {

std::string random_hex(size_t bytes) {
    std::vector<unsigned char> b(bytes);
    if (RAND_bytes(b.data(), static_cast<int>(bytes)) != 1)
        throw Error(ErrorKind::internal, "no randomness");
    static const char digits[] = "0123456789abcdef";
    std::string o;
    o.reserve(bytes * 2);
    for (unsigned char c : b) {
        o.push_back(digits[c >> 4]);
        o.push_back(digits[c & 15]);
    }
    OPENSSL_cleanse(b.data(), b.size());
    return o;
}

bool same_secret(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace curcrunch::serve
