// The system OpenSSL libcrypto (SHA-256, HMAC, random bytes, AES-GCM for QSLCrypto; the error
// queue and memory BIOs for QSLConfigRedis), loaded on first use rather than linked: a
// command that never hashes, signs or encrypts (`validate`, `--version`) starts without it.
//
// The libcrypto functions qsl-config calls are defined in libcrypto_loader.c with the exact
// prototypes of the OpenSSL headers below, each forwarding to the function resolved from
// "libcrypto.so.3" (dlopen + dlsym), so Swift calls them as if libcrypto were linked. Call
// qsl_crypto_load first: until it has returned 0 the forwarders have nothing to call.
//
// OpenSSL reads OPENSSL_CONF (FIPS provider included) at its first use, as it does when linked.
#ifndef QSL_CLIBCRYPTO_H
#define QSL_CLIBCRYPTO_H

#include <stddef.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

/// Loads libcrypto and resolves every function qsl-config calls, once per process (thread-safe; a
/// failure is not remembered, so a later call tries again). Returns 0, or -1 with a message that
/// names the library and the Debian package that provides it written to `error` (`size` bytes,
/// NUL-terminated; `error` may be NULL when only the result is wanted).
int qsl_crypto_load(char *error, size_t size);

/// What qsl_crypto_load would say of the library at `path`, without installing it: opens it,
/// resolves every function, closes it. Returns 0, or -1 with the message in `error`.
int qsl_crypto_probe(const char *path, char *error, size_t size);

#endif
