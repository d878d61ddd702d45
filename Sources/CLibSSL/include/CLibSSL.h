// The system OpenSSL libssl, the TLS client of QSLConfigRedis, loaded on first use rather than
// linked: only a TLS connection to Redis (rotation at the resource) needs it. Never reached by the
// start-up library (PackageShapeTests).
//
// The libssl functions qsl-config calls are defined in libssl_loader.c with the exact prototypes
// of <openssl/ssl.h>, each forwarding to the function resolved from "libssl.so.3" (dlopen +
// dlsym). libssl runs on libcrypto: qsl_ssl_load loads libcrypto first (CLibCrypto, the same
// instance QSLCrypto uses), so the libssl it then opens binds to that one, and the libcrypto
// functions the Redis client calls around TLS (the error queue, memory BIOs) are CLibCrypto's.
// Call qsl_ssl_load first: until it has returned 0 the forwarders have nothing to call.
#ifndef QSL_CLIBSSL_H
#define QSL_CLIBSSL_H

#include <stddef.h>
#include <CLibCrypto.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/// Loads libcrypto (qsl_crypto_load), then libssl, and resolves every libssl function qsl-config
/// calls, once per process (thread-safe; a failure is not remembered, so a later call tries
/// again). Returns 0, or -1 with a message that names the library that failed and the Debian
/// package that provides it written to `error` (`size` bytes, NUL-terminated).
int qsl_ssl_load(char *error, size_t size);

/// What qsl_ssl_load would say of the libssl at `path`, without installing it: opens it, resolves
/// every function, closes it. Returns 0, or -1 with the message in `error`.
int qsl_ssl_probe(const char *path, char *error, size_t size);

// Macros Swift cannot import, as functions (through the forwarders, so call qsl_ssl_load first).
long qsl_ssl_set_tlsext_host_name(SSL *ssl, const char *name);
long qsl_ssl_ctx_set_min_tls12(SSL_CTX *ctx);
long qsl_ssl_ctx_set_auto_retry(SSL_CTX *ctx);
long qsl_bio_pending(BIO *bio);

#endif
