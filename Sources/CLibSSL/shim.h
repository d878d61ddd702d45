#ifndef QSL_CLIBSSL_SHIM_H
#define QSL_CLIBSSL_SHIM_H

// The system OpenSSL libssl: the TLS client of QSLConfigRedis. Linked only by the resource
// clients rotation uses, never by the start-up library (PackageShapeTests).
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/bio.h>
#include <openssl/sha.h>

// Macros Swift cannot import, as functions.
static inline long qsl_ssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

static inline long qsl_ssl_ctx_set_min_tls12(SSL_CTX *ctx) {
    return SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

static inline long qsl_ssl_ctx_set_auto_retry(SSL_CTX *ctx) {
    return SSL_CTX_set_mode(ctx, SSL_MODE_AUTO_RETRY | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

static inline long qsl_bio_pending(BIO *bio) {
    return (long)BIO_ctrl_pending(bio);
}

#endif
