// See include/CLibSSL.h.
#include "CLibSSL.h"

#include "CLazyLibrary.h"

#if defined(__APPLE__)
#define QSL_SSL_SONAME "libssl.3.dylib"
#else
#define QSL_SSL_SONAME "libssl.so.3"
#endif

// Every libssl function qsl-config calls: return type, name, parameters, arguments. (The
// libcrypto ones are CLibCrypto's.)
#define QSL_SSL_FUNCTIONS(X) \
    X(long, SSL_CTX_ctrl, (SSL_CTX *ctx, int cmd, long larg, void *parg), (ctx, cmd, larg, parg)) \
    X(void, SSL_CTX_free, (SSL_CTX *ctx), (ctx)) \
    X(int, SSL_CTX_load_verify_locations, (SSL_CTX *ctx, const char *CAfile, const char *CApath), (ctx, CAfile, CApath)) \
    X(SSL_CTX *, SSL_CTX_new, (const SSL_METHOD *meth), (meth)) \
    X(int, SSL_CTX_set_default_verify_paths, (SSL_CTX *ctx), (ctx)) \
    X(void, SSL_CTX_set_verify, (SSL_CTX *ctx, int mode, SSL_verify_cb callback), (ctx, mode, callback)) \
    X(long, SSL_ctrl, (SSL *ssl, int cmd, long larg, void *parg), (ssl, cmd, larg, parg)) \
    X(int, SSL_do_handshake, (SSL *s), (s)) \
    X(void, SSL_free, (SSL *ssl), (ssl)) \
    X(int, SSL_get_error, (const SSL *s, int ret_code), (s, ret_code)) \
    X(long, SSL_get_verify_result, (const SSL *ssl), (ssl)) \
    X(SSL *, SSL_new, (SSL_CTX *ctx), (ctx)) \
    X(int, SSL_read, (SSL *ssl, void *buf, int num), (ssl, buf, num)) \
    X(int, SSL_set1_host, (SSL *s, const char *hostname), (s, hostname)) \
    X(void, SSL_set_bio, (SSL *s, BIO *rbio, BIO *wbio), (s, rbio, wbio)) \
    X(void, SSL_set_connect_state, (SSL *s), (s)) \
    X(int, SSL_write, (SSL *ssl, const void *buf, int num), (ssl, buf, num)) \
    X(const SSL_METHOD *, TLS_client_method, (void), ())

enum {
    QSL_SSL_FUNCTIONS(QSL_LAZY_INDEX)
    QSL_SSL_COUNT
};

static const char *const qsl_ssl_symbols[] = {
    QSL_SSL_FUNCTIONS(QSL_LAZY_SYMBOL)
};

_Static_assert(sizeof qsl_ssl_symbols / sizeof *qsl_ssl_symbols == QSL_SSL_COUNT, "a name for every slot");

static void *qsl_ssl_functions[QSL_SSL_COUNT];

static struct qsl_lazy_library qsl_ssl = {
    .name = "libssl",
    .purpose = "the OpenSSL TLS library qsl-config's Redis client uses",
    .soname = QSL_SSL_SONAME,
    .path_variable = "QSL_LIBSSL_PATH",
    .package = "libssl3",
    .missing_hint = "not OpenSSL 3's libssl?",
    .symbols = qsl_ssl_symbols,
    .count = QSL_SSL_COUNT,
    .functions = qsl_ssl_functions,
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

int qsl_ssl_load(char *error, size_t size) {
    // libcrypto first: libssl's own dependency on "libcrypto.so.3" then resolves to the library
    // already loaded (the dynamic linker matches it by soname, QSL_LIBCRYPTO_PATH included), so
    // TLS, QSLCrypto and the error queue the Redis client reads share one libcrypto.
    if (qsl_crypto_load(error, size) != 0) return -1;
    return qsl_lazy_library_load(&qsl_ssl, error, size);
}

int qsl_ssl_probe(const char *path, char *error, size_t size) { return qsl_lazy_library_probe(&qsl_ssl, path, error, size); }

// The forwarders: hidden (see QSL_LAZY_FORWARD).
#pragma GCC visibility push(hidden)
#define QSL_FORWARD(ret, name, params, args) QSL_LAZY_FORWARD(qsl_ssl, QSL_LAZY_INDEX_##name, ret, name, params, args)
QSL_SSL_FUNCTIONS(QSL_FORWARD)
#undef QSL_FORWARD
#pragma GCC visibility pop

long qsl_ssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

long qsl_ssl_ctx_set_min_tls12(SSL_CTX *ctx) {
    return SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

long qsl_ssl_ctx_set_auto_retry(SSL_CTX *ctx) {
    return SSL_CTX_set_mode(ctx, SSL_MODE_AUTO_RETRY | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

long qsl_bio_pending(BIO *bio) {
    return (long)BIO_ctrl_pending(bio);
}
