// See include/CLibCurl.h.
#include "CLibCurl.h"

#include "CLazyLibrary.h"

#include <stdio.h>

#if defined(__APPLE__)
#define QSL_CURL_SONAME "libcurl.4.dylib"
#else
#define QSL_CURL_SONAME "libcurl.so.4"
#endif

// The non-variadic libcurl functions qsl-config calls: return type, name, parameters, arguments.
#define QSL_CURL_FUNCTIONS(X) \
    X(void, curl_easy_cleanup, (CURL *curl), (curl)) \
    X(CURL *, curl_easy_init, (void), ()) \
    X(CURLcode, curl_easy_perform, (CURL *curl), (curl)) \
    X(void, curl_easy_reset, (CURL *curl), (curl)) \
    X(const char *, curl_easy_strerror, (CURLcode code), (code)) \
    X(CURLcode, curl_global_init, (long flags), (flags)) \
    X(struct curl_slist *, curl_slist_append, (struct curl_slist *list, const char *data), (list, data)) \
    X(void, curl_slist_free_all, (struct curl_slist *list), (list))

enum {
    QSL_CURL_FUNCTIONS(QSL_LAZY_INDEX)
    // The variadic two, called through the typed wrappers below.
    QSL_LAZY_INDEX_curl_easy_setopt,
    QSL_LAZY_INDEX_curl_easy_getinfo,
    QSL_CURL_COUNT
};

static const char *const qsl_curl_symbols[] = {
    QSL_CURL_FUNCTIONS(QSL_LAZY_SYMBOL)
    "curl_easy_setopt",
    "curl_easy_getinfo",
};

_Static_assert(sizeof qsl_curl_symbols / sizeof *qsl_curl_symbols == QSL_CURL_COUNT, "a name for every slot");

static void *qsl_curl_functions[QSL_CURL_COUNT];

// `curl_global_init(CURL_GLOBAL_DEFAULT)`, once, before the functions are installed.
static int qsl_curl_initialize(void *const *functions, char *reason, size_t size) {
    CURLcode (*global_init)(long flags);
    const char *(*describe)(CURLcode code);
    *(void **)(&global_init) = functions[QSL_LAZY_INDEX_curl_global_init];
    *(void **)(&describe) = functions[QSL_LAZY_INDEX_curl_easy_strerror];
    CURLcode code = global_init(CURL_GLOBAL_DEFAULT);
    if (code == CURLE_OK) return 0;
    snprintf(reason, size, "%s", describe(code));
    return -1;
}

static struct qsl_lazy_library qsl_curl = {
    .name = "libcurl",
    .purpose = "the HTTP client library qsl-config calls AWS with",
    .soname = QSL_CURL_SONAME,
    .path_variable = "QSL_LIBCURL_PATH",
    .package = "libcurl4",
    .missing_hint = "too old a libcurl?",
    .symbols = qsl_curl_symbols,
    .count = QSL_CURL_COUNT,
    .functions = qsl_curl_functions,
    .initialize = qsl_curl_initialize,
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

int qsl_curl_load(char *error, size_t size) { return qsl_lazy_library_load(&qsl_curl, error, size); }

int qsl_curl_probe(const char *path, char *error, size_t size) { return qsl_lazy_library_probe(&qsl_curl, path, error, size); }

// The forwarders: hidden (see QSL_LAZY_FORWARD).
#pragma GCC visibility push(hidden)
#define QSL_FORWARD(ret, name, params, args) QSL_LAZY_FORWARD(qsl_curl, QSL_LAZY_INDEX_##name, ret, name, params, args)
QSL_CURL_FUNCTIONS(QSL_FORWARD)
#undef QSL_FORWARD
#pragma GCC visibility pop

static CURLcode (*qsl_curl_setopt(void))(CURL *curl, CURLoption option, ...) {
    CURLcode (*setopt)(CURL *curl, CURLoption option, ...);
    *(void **)(&setopt) = qsl_lazy_library_function(&qsl_curl, QSL_LAZY_INDEX_curl_easy_setopt, "curl_easy_setopt");
    return setopt;
}

CURLcode qsl_curl_set_long(CURL *handle, CURLoption option, long value) {
    return qsl_curl_setopt()(handle, option, value);
}
CURLcode qsl_curl_set_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return qsl_curl_setopt()(handle, option, value);
}
CURLcode qsl_curl_set_pointer(CURL *handle, CURLoption option, const void *value) {
    return qsl_curl_setopt()(handle, option, value);
}
CURLcode qsl_curl_set_data_callback(CURL *handle, CURLoption option, qsl_curl_data_callback callback) {
    return qsl_curl_setopt()(handle, option, callback);
}
CURLcode qsl_curl_set_progress_callback(CURL *handle, qsl_curl_progress_callback callback) {
    return qsl_curl_setopt()(handle, CURLOPT_XFERINFOFUNCTION, callback);
}
long qsl_curl_response_code(CURL *handle) {
    CURLcode (*getinfo)(CURL *curl, CURLINFO info, ...);
    *(void **)(&getinfo) = qsl_lazy_library_function(&qsl_curl, QSL_LAZY_INDEX_curl_easy_getinfo, "curl_easy_getinfo");
    long code = 0;
    getinfo(handle, CURLINFO_RESPONSE_CODE, &code);
    return code;
}
