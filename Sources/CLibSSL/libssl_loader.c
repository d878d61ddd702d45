// See include/CLibSSL.h.
#include "CLibSSL.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__APPLE__)
#define QSL_SSL_SONAME "libssl.3.dylib"
#else
#define QSL_SSL_SONAME "libssl.so.3"
#endif
#define QSL_SSL_PACKAGE "libssl3"

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

struct qsl_ssl_table {
#define QSL_FIELD(ret, name, params, args) ret(*name) params;
    QSL_SSL_FUNCTIONS(QSL_FIELD)
#undef QSL_FIELD
};

// Written once, under the lock, before `loaded` is released; read only after `loaded` is seen.
static struct qsl_ssl_table qsl_ssl;
static atomic_int qsl_ssl_loaded = 0;
static pthread_mutex_t qsl_ssl_lock = PTHREAD_MUTEX_INITIALIZER;

const char *qsl_ssl_library_name(void) {
    const char *override = getenv("QSL_LIBSSL_PATH");
    return override != NULL && override[0] != '\0' ? override : QSL_SSL_SONAME;
}

static void qsl_ssl_failure(char *error, size_t size, const char *path, const char *reason) {
    if (error == NULL || size == 0) return;
    snprintf(error, size,
        "libssl (the OpenSSL TLS library qsl-config's Redis client uses, %s) could not be loaded: %s; "
        "install the Debian package " QSL_SSL_PACKAGE " (apt-get install " QSL_SSL_PACKAGE ")",
        path, reason != NULL ? reason : "unknown error");
}

// Opens `path` and resolves every function into `table`; the handle, or NULL with the message.
static void *qsl_ssl_open(const char *path, struct qsl_ssl_table *table, char *error, size_t size) {
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        qsl_ssl_failure(error, size, path, dlerror());
        return NULL;
    }
#define QSL_RESOLVE(ret, name, params, args) \
    *(void **)(&table->name) = dlsym(handle, #name); \
    if (table->name == NULL) { \
        qsl_ssl_failure(error, size, path, "it has no " #name " (not OpenSSL 3's libssl?)"); \
        dlclose(handle); \
        return NULL; \
    }
    QSL_SSL_FUNCTIONS(QSL_RESOLVE)
#undef QSL_RESOLVE
    return handle;
}

int qsl_ssl_load(char *error, size_t size) {
    if (atomic_load_explicit(&qsl_ssl_loaded, memory_order_acquire)) return 0;
    // libcrypto first: libssl's own dependency on "libcrypto.so.3" then resolves to the library
    // already loaded (the dynamic linker matches it by soname, QSL_LIBCRYPTO_PATH included), so
    // TLS, QSLCrypto and the error queue the Redis client reads share one libcrypto.
    if (qsl_crypto_load(error, size) != 0) return -1;
    pthread_mutex_lock(&qsl_ssl_lock);
    int result = 0;
    if (!atomic_load_explicit(&qsl_ssl_loaded, memory_order_relaxed)) {
        struct qsl_ssl_table table;
        // Never closed once loaded: contexts and connections may outlive any caller.
        if (qsl_ssl_open(qsl_ssl_library_name(), &table, error, size) != NULL) {
            qsl_ssl = table;
            atomic_store_explicit(&qsl_ssl_loaded, 1, memory_order_release);
        } else {
            result = -1;
        }
    }
    pthread_mutex_unlock(&qsl_ssl_lock);
    return result;
}

int qsl_ssl_probe(const char *path, char *error, size_t size) {
    struct qsl_ssl_table table;
    void *handle = qsl_ssl_open(path, &table, error, size);
    if (handle == NULL) return -1;
    dlclose(handle);
    return 0;
}

// A libssl call before qsl_ssl_load succeeded is a bug in qsl-config: say so and stop, rather
// than call through a null pointer.
static const struct qsl_ssl_table *qsl_ssl_table(const char *function) {
    if (!atomic_load_explicit(&qsl_ssl_loaded, memory_order_acquire)) {
        fprintf(stderr, "qsl-config: internal error: %s called before libssl was loaded\n", function);
        abort();
    }
    return &qsl_ssl;
}

// Hidden, as CLibCrypto's: never exported, so they never interpose on libssl for anything else
// loaded into the process.
#pragma GCC visibility push(hidden)
#define QSL_FORWARD(ret, name, params, args) \
    ret name params { return qsl_ssl_table(#name)->name args; }
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
