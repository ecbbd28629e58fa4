#pragma once
// What the digests over OpenSSL's EVP interface share (core-internal: Md5 and Sha256): making
// a context, finishing one as lowercase hex, and reading a descriptor to its end.
#include <openssl/evp.h>

#include <cstdint>
#include <string>

#include "curcrunch/core/file_descriptor.hpp"

namespace curcrunch::evp {

// A fresh context for `md`; Error(internal) naming `name` when OpenSSL cannot offer it (MD5
// under a FIPS-only provider, say). The caller owns the result (EVP_MD_CTX_free).
EVP_MD_CTX* new_context(const EVP_MD* md, const char* name);

// Finishes `ctx` and returns its digest as lowercase hex; `ctx` must not be updated afterwards.
std::string finish_hex(EVP_MD_CTX* ctx);

// Reads `f` from offset `from` to its end in buffers of 256 KiB, handing each to
// `consume(data, size, arg)`. Error(input) "<path>: cannot read for <what>: <reason>" when it
// cannot; an interrupt (Ctrl-C) stops it between buffers. A plain function pointer, not a
// std::function, so that each digest's loop allocates nothing but its buffer.
void read_to_end(const FileDescriptor& f, const std::string& path, uint64_t from, const char* what,
                 void (*consume)(const unsigned char*, size_t, void*), void* arg);

}  // namespace curcrunch::evp
