// See include/CLibPQ.h.
#include "CLibPQ.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__APPLE__)
#define QSL_PQ_SONAME "libpq.5.dylib"
#else
#define QSL_PQ_SONAME "libpq.so.5"
#endif
#define QSL_PQ_PACKAGE "libpq5"

// Every libpq function qsl-config calls: return type, name, parameters, arguments.
#define QSL_PQ_FUNCTIONS(X) \
    X(void, PQclear, (PGresult *res), (res)) \
    X(PostgresPollingStatusType, PQconnectPoll, (PGconn *conn), (conn)) \
    X(PGconn *, PQconnectStartParams, (const char *const *keywords, const char *const *values, int expand_dbname), (keywords, values, expand_dbname)) \
    X(int, PQconsumeInput, (PGconn *conn), (conn)) \
    X(char *, PQencryptPasswordConn, (PGconn *conn, const char *passwd, const char *user, const char *algorithm), (conn, passwd, user, algorithm)) \
    X(char *, PQerrorMessage, (const PGconn *conn), (conn)) \
    X(char *, PQescapeIdentifier, (PGconn *conn, const char *str, size_t len), (conn, str, len)) \
    X(char *, PQescapeLiteral, (PGconn *conn, const char *str, size_t len), (conn, str, len)) \
    X(void, PQfinish, (PGconn *conn), (conn)) \
    X(int, PQflush, (PGconn *conn), (conn)) \
    X(void, PQfreemem, (void *ptr), (ptr)) \
    X(PGresult *, PQgetResult, (PGconn *conn), (conn)) \
    X(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num)) \
    X(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num)) \
    X(int, PQisBusy, (PGconn *conn), (conn)) \
    X(int, PQnfields, (const PGresult *res), (res)) \
    X(int, PQntuples, (const PGresult *res), (res)) \
    X(char *, PQresultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode)) \
    X(char *, PQresultErrorMessage, (const PGresult *res), (res)) \
    X(ExecStatusType, PQresultStatus, (const PGresult *res), (res)) \
    X(int, PQsendQueryParams, \
        (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues, \
            const int *paramLengths, const int *paramFormats, int resultFormat), \
        (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat)) \
    X(int, PQsocket, (const PGconn *conn), (conn)) \
    X(ConnStatusType, PQstatus, (const PGconn *conn), (conn))

struct qsl_pq_table {
#define QSL_FIELD(ret, name, params, args) ret(*name) params;
    QSL_PQ_FUNCTIONS(QSL_FIELD)
#undef QSL_FIELD
};

// Written once, under the lock, before `loaded` is released; read only after `loaded` is seen.
static struct qsl_pq_table qsl_pq;
static atomic_int qsl_pq_loaded = 0;
static pthread_mutex_t qsl_pq_lock = PTHREAD_MUTEX_INITIALIZER;

const char *qsl_pq_library_name(void) {
    const char *override = getenv("QSL_LIBPQ_PATH");
    return override != NULL && override[0] != '\0' ? override : QSL_PQ_SONAME;
}

static void qsl_pq_failure(char *error, size_t size, const char *path, const char *reason) {
    if (error == NULL || size == 0) return;
    snprintf(error, size,
        "libpq (the PostgreSQL client library, %s) could not be loaded: %s; install the Debian package " QSL_PQ_PACKAGE
        " (apt-get install " QSL_PQ_PACKAGE ")",
        path, reason != NULL ? reason : "unknown error");
}

// Opens `path` and resolves every function into `table`; the handle, or NULL with the message.
static void *qsl_pq_open(const char *path, struct qsl_pq_table *table, char *error, size_t size) {
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        qsl_pq_failure(error, size, path, dlerror());
        return NULL;
    }
#define QSL_RESOLVE(ret, name, params, args) \
    *(void **)(&table->name) = dlsym(handle, #name); \
    if (table->name == NULL) { \
        qsl_pq_failure(error, size, path, "it has no " #name " (too old a libpq?)"); \
        dlclose(handle); \
        return NULL; \
    }
    QSL_PQ_FUNCTIONS(QSL_RESOLVE)
#undef QSL_RESOLVE
    return handle;
}

int qsl_pq_load(char *error, size_t size) {
    if (atomic_load_explicit(&qsl_pq_loaded, memory_order_acquire)) return 0;
    pthread_mutex_lock(&qsl_pq_lock);
    int result = 0;
    if (!atomic_load_explicit(&qsl_pq_loaded, memory_order_relaxed)) {
        struct qsl_pq_table table;
        // Never closed once loaded: connections may outlive any caller.
        if (qsl_pq_open(qsl_pq_library_name(), &table, error, size) != NULL) {
            qsl_pq = table;
            atomic_store_explicit(&qsl_pq_loaded, 1, memory_order_release);
        } else {
            result = -1;
        }
    }
    pthread_mutex_unlock(&qsl_pq_lock);
    return result;
}

int qsl_pq_probe(const char *path, char *error, size_t size) {
    struct qsl_pq_table table;
    void *handle = qsl_pq_open(path, &table, error, size);
    if (handle == NULL) return -1;
    dlclose(handle);
    return 0;
}

// A libpq call before qsl_pq_load succeeded is a bug in qsl-config: say so and stop, rather than
// call through a null pointer.
static const struct qsl_pq_table *qsl_pq_table(const char *function) {
    if (!atomic_load_explicit(&qsl_pq_loaded, memory_order_acquire)) {
        fprintf(stderr, "qsl-config: internal error: %s called before libpq was loaded\n", function);
        abort();
    }
    return &qsl_pq;
}

// The forwarders are hidden: Swift code linked into the same executable calls them, but they are
// not exported, so they never interpose on the real functions for the library itself (its own
// internal calls) or for anything else loaded into the process.
#pragma GCC visibility push(hidden)
#define QSL_FORWARD(ret, name, params, args) \
    ret name params { return qsl_pq_table(#name)->name args; }
QSL_PQ_FUNCTIONS(QSL_FORWARD)
#undef QSL_FORWARD
#pragma GCC visibility pop
