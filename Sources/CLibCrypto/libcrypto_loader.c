// See include/CLibCrypto.h.
#include "CLibCrypto.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__APPLE__)
#define QSL_CRYPTO_SONAME "libcrypto.3.dylib"
#else
#define QSL_CRYPTO_SONAME "libcrypto.so.3"
#endif
#define QSL_CRYPTO_PACKAGE "libssl3"

// Every libcrypto function qsl-config calls (QSLCrypto, and QSLConfigRedis around libssl):
// return type, name, parameters, arguments. A function missing here is a link error, since
// nothing links libcrypto itself.
#define QSL_CRYPTO_FUNCTIONS(X) \
    X(size_t, BIO_ctrl_pending, (BIO *b), (b)) \
    X(BIO *, BIO_new, (const BIO_METHOD *type), (type)) \
    X(int, BIO_read, (BIO *b, void *data, int dlen), (b, data, dlen)) \
    X(const BIO_METHOD *, BIO_s_mem, (void), ()) \
    X(int, BIO_write, (BIO *b, const void *data, int dlen), (b, data, dlen)) \
    X(void, ERR_clear_error, (void), ()) \
    X(void, ERR_error_string_n, (unsigned long e, char *buf, size_t len), (e, buf, len)) \
    X(unsigned long, ERR_get_error, (void), ()) \
    X(void, EVP_CIPHER_CTX_free, (EVP_CIPHER_CTX *c), (c)) \
    X(EVP_CIPHER_CTX *, EVP_CIPHER_CTX_new, (void), ()) \
    X(int, EVP_CIPHER_CTX_ctrl, (EVP_CIPHER_CTX *ctx, int type, int arg, void *ptr), (ctx, type, arg, ptr)) \
    X(int, EVP_DecryptFinal_ex, (EVP_CIPHER_CTX *ctx, unsigned char *outm, int *outl), (ctx, outm, outl)) \
    X(int, EVP_DecryptInit_ex, \
        (EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, ENGINE *impl, const unsigned char *key, const unsigned char *iv), \
        (ctx, cipher, impl, key, iv)) \
    X(int, EVP_DecryptUpdate, (EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl, const unsigned char *in, int inl), \
        (ctx, out, outl, in, inl)) \
    X(int, EVP_Digest, \
        (const void *data, size_t count, unsigned char *md, unsigned int *size, const EVP_MD *type, ENGINE *impl), \
        (data, count, md, size, type, impl)) \
    X(int, EVP_EncryptFinal_ex, (EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl), (ctx, out, outl)) \
    X(int, EVP_EncryptInit_ex, \
        (EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, ENGINE *impl, const unsigned char *key, const unsigned char *iv), \
        (ctx, cipher, impl, key, iv)) \
    X(int, EVP_EncryptUpdate, (EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl, const unsigned char *in, int inl), \
        (ctx, out, outl, in, inl)) \
    X(const EVP_CIPHER *, EVP_aes_256_gcm, (void), ()) \
    X(const EVP_MD *, EVP_sha256, (void), ()) \
    X(unsigned char *, HMAC, \
        (const EVP_MD *evp_md, const void *key, int key_len, const unsigned char *data, size_t data_len, unsigned char *md, \
            unsigned int *md_len), \
        (evp_md, key, key_len, data, data_len, md, md_len)) \
    X(int, RAND_bytes, (unsigned char *buf, int num), (buf, num)) \
    X(unsigned char *, SHA256, (const unsigned char *d, size_t n, unsigned char *md), (d, n, md)) \
    X(const char *, X509_verify_cert_error_string, (long n), (n))

struct qsl_crypto_table {
#define QSL_FIELD(ret, name, params, args) ret(*name) params;
    QSL_CRYPTO_FUNCTIONS(QSL_FIELD)
#undef QSL_FIELD
};

// Written once, under the lock, before `loaded` is released; read only after `loaded` is seen.
static struct qsl_crypto_table qsl_crypto;
static atomic_int qsl_crypto_loaded = 0;
static pthread_mutex_t qsl_crypto_lock = PTHREAD_MUTEX_INITIALIZER;

const char *qsl_crypto_library_name(void) {
    const char *override = getenv("QSL_LIBCRYPTO_PATH");
    return override != NULL && override[0] != '\0' ? override : QSL_CRYPTO_SONAME;
}

static void qsl_crypto_failure(char *error, size_t size, const char *path, const char *reason) {
    if (error == NULL || size == 0) return;
    snprintf(error, size,
        "libcrypto (the OpenSSL library qsl-config hashes, signs and encrypts with, %s) could not be loaded: %s; "
        "install the Debian package " QSL_CRYPTO_PACKAGE " (apt-get install " QSL_CRYPTO_PACKAGE ")",
        path, reason != NULL ? reason : "unknown error");
}

// Opens `path` and resolves every function into `table`; the handle, or NULL with the message.
static void *qsl_crypto_open(const char *path, struct qsl_crypto_table *table, char *error, size_t size) {
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        qsl_crypto_failure(error, size, path, dlerror());
        return NULL;
    }
#define QSL_RESOLVE(ret, name, params, args) \
    *(void **)(&table->name) = dlsym(handle, #name); \
    if (table->name == NULL) { \
        qsl_crypto_failure(error, size, path, "it has no " #name " (not OpenSSL 3's libcrypto?)"); \
        dlclose(handle); \
        return NULL; \
    }
    QSL_CRYPTO_FUNCTIONS(QSL_RESOLVE)
#undef QSL_RESOLVE
    return handle;
}

int qsl_crypto_load(char *error, size_t size) {
    if (atomic_load_explicit(&qsl_crypto_loaded, memory_order_acquire)) return 0;
    pthread_mutex_lock(&qsl_crypto_lock);
    int result = 0;
    if (!atomic_load_explicit(&qsl_crypto_loaded, memory_order_relaxed)) {
        struct qsl_crypto_table table;
        // Never closed once loaded: contexts, and libssl (which shares this libcrypto), may outlive
        // any caller.
        if (qsl_crypto_open(qsl_crypto_library_name(), &table, error, size) != NULL) {
            qsl_crypto = table;
            atomic_store_explicit(&qsl_crypto_loaded, 1, memory_order_release);
        } else {
            result = -1;
        }
    }
    pthread_mutex_unlock(&qsl_crypto_lock);
    return result;
}

int qsl_crypto_probe(const char *path, char *error, size_t size) {
    struct qsl_crypto_table table;
    void *handle = qsl_crypto_open(path, &table, error, size);
    if (handle == NULL) return -1;
    dlclose(handle);
    return 0;
}

// A libcrypto call before qsl_crypto_load succeeded is a bug in qsl-config: say so and stop,
// rather than call through a null pointer.
static const struct qsl_crypto_table *qsl_crypto_table(const char *function) {
    if (!atomic_load_explicit(&qsl_crypto_loaded, memory_order_acquire)) {
        fprintf(stderr, "qsl-config: internal error: %s called before libcrypto was loaded\n", function);
        abort();
    }
    return &qsl_crypto;
}

// The forwarders are hidden: Swift and C code linked into the same executable calls them, but
// they are not exported, so they never interpose on the real functions for libcrypto itself (its
// own internal calls), for libssl, or for anything else loaded into the process (libcurl's
// OpenSSL, libpq's).
#pragma GCC visibility push(hidden)
#define QSL_FORWARD(ret, name, params, args) \
    ret name params { return qsl_crypto_table(#name)->name args; }
QSL_CRYPTO_FUNCTIONS(QSL_FORWARD)
#undef QSL_FORWARD
#pragma GCC visibility pop
