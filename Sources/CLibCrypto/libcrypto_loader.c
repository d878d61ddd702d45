// See include/CLibCrypto.h.
#include "CLibCrypto.h"

#include "CLazyLibrary.h"

#if defined(__APPLE__)
#define QSL_CRYPTO_SONAME "libcrypto.3.dylib"
#else
#define QSL_CRYPTO_SONAME "libcrypto.so.3"
#endif

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
    X(const char *, X509_verify_cert_error_string, (long n), (n))

enum {
    QSL_CRYPTO_FUNCTIONS(QSL_LAZY_INDEX)
    QSL_CRYPTO_COUNT
};

static const char *const qsl_crypto_symbols[] = {
    QSL_CRYPTO_FUNCTIONS(QSL_LAZY_SYMBOL)
};

_Static_assert(sizeof qsl_crypto_symbols / sizeof *qsl_crypto_symbols == QSL_CRYPTO_COUNT, "a name for every slot");

static void *qsl_crypto_functions[QSL_CRYPTO_COUNT];

// Never closed once loaded: contexts, and libssl (which shares this libcrypto), may outlive any
// caller.
static struct qsl_lazy_library qsl_crypto = {
    .name = "libcrypto",
    .purpose = "the OpenSSL library qsl-config hashes, signs and encrypts with",
    .soname = QSL_CRYPTO_SONAME,
    .path_variable = "QSL_LIBCRYPTO_PATH",
    .package = "libssl3",
    .missing_hint = "not OpenSSL 3's libcrypto?",
    .symbols = qsl_crypto_symbols,
    .count = QSL_CRYPTO_COUNT,
    .functions = qsl_crypto_functions,
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

int qsl_crypto_load(char *error, size_t size) { return qsl_lazy_library_load(&qsl_crypto, error, size); }

int qsl_crypto_probe(const char *path, char *error, size_t size) { return qsl_lazy_library_probe(&qsl_crypto, path, error, size); }

// The forwarders: hidden (see QSL_LAZY_FORWARD).
#pragma GCC visibility push(hidden)
#define QSL_FORWARD(ret, name, params, args) QSL_LAZY_FORWARD(qsl_crypto, QSL_LAZY_INDEX_##name, ret, name, params, args)
QSL_CRYPTO_FUNCTIONS(QSL_FORWARD)
#undef QSL_FORWARD
#pragma GCC visibility pop
