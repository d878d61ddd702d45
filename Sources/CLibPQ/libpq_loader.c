// See include/CLibPQ.h.
#include "CLibPQ.h"

#include "CLazyLibrary.h"

#if defined(__APPLE__)
#define QSL_PQ_SONAME "libpq.5.dylib"
#else
#define QSL_PQ_SONAME "libpq.so.5"
#endif

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

enum {
    QSL_PQ_FUNCTIONS(QSL_LAZY_INDEX)
    QSL_PQ_COUNT
};

static const char *const qsl_pq_symbols[] = {
    QSL_PQ_FUNCTIONS(QSL_LAZY_SYMBOL)
};

_Static_assert(sizeof qsl_pq_symbols / sizeof *qsl_pq_symbols == QSL_PQ_COUNT, "a name for every slot");

static void *qsl_pq_functions[QSL_PQ_COUNT];

static struct qsl_lazy_library qsl_pq = {
    .name = "libpq",
    .purpose = "the PostgreSQL client library",
    .soname = QSL_PQ_SONAME,
    .path_variable = "QSL_LIBPQ_PATH",
    .package = "libpq5",
    .missing_hint = "too old a libpq?",
    .symbols = qsl_pq_symbols,
    .count = QSL_PQ_COUNT,
    .functions = qsl_pq_functions,
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

int qsl_pq_load(char *error, size_t size) { return qsl_lazy_library_load(&qsl_pq, error, size); }

int qsl_pq_probe(const char *path, char *error, size_t size) { return qsl_lazy_library_probe(&qsl_pq, path, error, size); }

// The forwarders: hidden (see QSL_LAZY_FORWARD).
#pragma GCC visibility push(hidden)
#define QSL_FORWARD(ret, name, params, args) QSL_LAZY_FORWARD(qsl_pq, QSL_LAZY_INDEX_##name, ret, name, params, args)
QSL_PQ_FUNCTIONS(QSL_FORWARD)
#undef QSL_FORWARD
#pragma GCC visibility pop
