// See include/CLibCurl.h.
#include "CLibCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__APPLE__)
#define QSL_CURL_SONAME "libcurl.4.dylib"
#else
#define QSL_CURL_SONAME "libcurl.so.4"
#endif
#define QSL_CURL_PACKAGE "libcurl4"

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

struct qsl_curl_table {
#define QSL_FIELD(ret, name, params, args) ret(*name) params;
    QSL_CURL_FUNCTIONS(QSL_FIELD)
#undef QSL_FIELD
    CURLcode (*setopt)(CURL *curl, CURLoption option, ...);
    CURLcode (*getinfo)(CURL *curl, CURLINFO info, ...);
};

// Written once, under the lock, before `loaded` is released; read only after `loaded` is seen.
static struct qsl_curl_table qsl_curl;
static atomic_int qsl_curl_loaded = 0;
static pthread_mutex_t qsl_curl_lock = PTHREAD_MUTEX_INITIALIZER;

const char *qsl_curl_library_name(void) {
    const char *override = getenv("QSL_LIBCURL_PATH");
    return override != NULL && override[0] != '\0' ? override : QSL_CURL_SONAME;
}

static void qsl_curl_failure(char *error, size_t size, const char *path, const char *reason) {
    if (error == NULL || size == 0) return;
    snprintf(error, size,
        "libcurl (the HTTP client library qsl-config calls AWS with, %s) could not be loaded: %s; install the Debian package "
        QSL_CURL_PACKAGE " (apt-get install " QSL_CURL_PACKAGE ")",
        path, reason != NULL ? reason : "unknown error");
}

static int qsl_curl_resolve(void *handle, const char *path, const char *name, void **slot, char *error, size_t size) {
    *slot = dlsym(handle, name);
    if (*slot != NULL) return 0;
    char reason[160];
    snprintf(reason, sizeof reason, "it has no %s (too old a libcurl?)", name);
    qsl_curl_failure(error, size, path, reason);
    return -1;
}

// Opens `path` and resolves every function into `table`; the handle, or NULL with the message.
static void *qsl_curl_open(const char *path, struct qsl_curl_table *table, char *error, size_t size) {
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        qsl_curl_failure(error, size, path, dlerror());
        return NULL;
    }
    int failed = 0;
#define QSL_RESOLVE(ret, name, params, args) \
    failed = failed || qsl_curl_resolve(handle, path, #name, (void **)&table->name, error, size);
    QSL_CURL_FUNCTIONS(QSL_RESOLVE)
#undef QSL_RESOLVE
    failed = failed || qsl_curl_resolve(handle, path, "curl_easy_setopt", (void **)&table->setopt, error, size);
    failed = failed || qsl_curl_resolve(handle, path, "curl_easy_getinfo", (void **)&table->getinfo, error, size);
    if (failed) {
        dlclose(handle);
        return NULL;
    }
    return handle;
}

int qsl_curl_load(char *error, size_t size) {
    if (atomic_load_explicit(&qsl_curl_loaded, memory_order_acquire)) return 0;
    pthread_mutex_lock(&qsl_curl_lock);
    int result = 0;
    if (!atomic_load_explicit(&qsl_curl_loaded, memory_order_relaxed)) {
        struct qsl_curl_table table;
        const char *path = qsl_curl_library_name();
        // Never closed once loaded: handles may outlive any caller.
        void *handle = qsl_curl_open(path, &table, error, size);
        if (handle == NULL) {
            result = -1;
        } else {
            CURLcode code = table.curl_global_init(CURL_GLOBAL_DEFAULT);
            if (code != CURLE_OK) {
                qsl_curl_failure(error, size, path, table.curl_easy_strerror(code));
                dlclose(handle);
                result = -1;
            } else {
                qsl_curl = table;
                atomic_store_explicit(&qsl_curl_loaded, 1, memory_order_release);
            }
        }
    }
    pthread_mutex_unlock(&qsl_curl_lock);
    return result;
}

int qsl_curl_probe(const char *path, char *error, size_t size) {
    struct qsl_curl_table table;
    void *handle = qsl_curl_open(path, &table, error, size);
    if (handle == NULL) return -1;
    dlclose(handle);
    return 0;
}

// A libcurl call before qsl_curl_load succeeded is a bug in qsl-config: say so and stop, rather
// than call through a null pointer.
static const struct qsl_curl_table *qsl_curl_table(const char *function) {
    if (!atomic_load_explicit(&qsl_curl_loaded, memory_order_acquire)) {
        fprintf(stderr, "qsl-config: internal error: %s called before libcurl was loaded\n", function);
        abort();
    }
    return &qsl_curl;
}

// The forwarders are hidden: Swift code linked into the same executable calls them, but they are
// not exported, so they never interpose on the real functions for the library itself (its own
// internal calls) or for anything else loaded into the process.
#pragma GCC visibility push(hidden)
#define QSL_FORWARD(ret, name, params, args) \
    ret name params { return qsl_curl_table(#name)->name args; }
QSL_CURL_FUNCTIONS(QSL_FORWARD)
#undef QSL_FORWARD
#pragma GCC visibility pop

CURLcode qsl_curl_set_long(CURL *handle, CURLoption option, long value) {
    return qsl_curl_table("curl_easy_setopt")->setopt(handle, option, value);
}
CURLcode qsl_curl_set_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return qsl_curl_table("curl_easy_setopt")->setopt(handle, option, value);
}
CURLcode qsl_curl_set_pointer(CURL *handle, CURLoption option, const void *value) {
    return qsl_curl_table("curl_easy_setopt")->setopt(handle, option, value);
}
CURLcode qsl_curl_set_data_callback(CURL *handle, CURLoption option, qsl_curl_data_callback callback) {
    return qsl_curl_table("curl_easy_setopt")->setopt(handle, option, callback);
}
CURLcode qsl_curl_set_progress_callback(CURL *handle, qsl_curl_progress_callback callback) {
    return qsl_curl_table("curl_easy_setopt")->setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}
long qsl_curl_response_code(CURL *handle) {
    long code = 0;
    qsl_curl_table("curl_easy_getinfo")->getinfo(handle, CURLINFO_RESPONSE_CODE, &code);
    return code;
}
