// A C library qsl-config opens with dlopen on first use instead of linking it: libcrypto, libssl,
// libcurl and libpq. Each loader (CLibCrypto, CLibSSL, CLibCurl, CLibPQ) lists the functions it
// calls, describes its library in a `struct qsl_lazy_library`, and defines forwarders with the
// library's own prototypes that call through the resolved functions; opening, resolving,
// probing, the once-per-process lock, the messages and the guard against a call before loading
// are here, once.
//
// Only the loaders' C files include this header; Swift sees the loaders' own headers.
#ifndef QSL_CLAZYLIBRARY_H
#define QSL_CLAZYLIBRARY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

struct qsl_lazy_library {
    /// How messages name it: "libcrypto".
    const char *name;
    /// What qsl-config uses it for, for messages: "the PostgreSQL client library".
    const char *purpose;
    /// The file opened unless `path_variable` is set: "libcrypto.so.3".
    const char *soname;
    /// The environment variable an operator sets to open another file: "QSL_LIBCRYPTO_PATH".
    const char *path_variable;
    /// The Debian package that provides it: "libssl3".
    const char *package;
    /// Why a function may be missing, for messages: "too old a libpq?".
    const char *missing_hint;
    /// Every function's name, in the order of `functions`.
    const char *const *symbols;
    size_t count;
    /// The `count` resolved functions: written once, under `lock`, before `loaded` is released;
    /// read only after `loaded` is seen.
    void **functions;
    /// Run once on the resolved functions before they are installed (libcurl's global
    /// initialisation), or NULL. Returns 0, or -1 with the reason written to `reason`.
    int (*initialize)(void *const *functions, char *reason, size_t size);
    atomic_int loaded;
    pthread_mutex_t lock;
};

/// Opens the library and resolves every function, once per process (thread-safe; a failure is not
/// remembered, so a later call tries again). Returns 0, or -1 with a message naming the library,
/// the file and the Debian package written to `error` (`size` bytes, NUL-terminated; `error` may
/// be NULL). Never closed once loaded: handles, contexts and connections may outlive any caller.
int qsl_lazy_library_load(struct qsl_lazy_library *library, char *error, size_t size);

/// What qsl_lazy_library_load would say of the file at `path`, without installing it: opens it,
/// resolves every function, closes it (no `initialize`). Returns 0, or -1 with the message.
int qsl_lazy_library_probe(const struct qsl_lazy_library *library, const char *path, char *error, size_t size);

/// The resolved function at `index`, named `name`. A call before the library is loaded is a bug
/// in qsl-config: it says so on standard error and aborts rather than call through nothing.
void *qsl_lazy_library_function(struct qsl_lazy_library *library, size_t index, const char *name);

/// A loader lists its functions as an X-macro of `X(ret, name, params, args)` entries. Expanded
/// with these two, the list gives the enumeration of slots (`QSL_LAZY_INDEX_SHA256`, ...; each
/// loader's own, in its own file) and the table of names dlsym looks up, in the same order.
#define QSL_LAZY_INDEX(ret, name, params, args) QSL_LAZY_INDEX_##name,
#define QSL_LAZY_SYMBOL(ret, name, params, args) #name,

/// Defines `name` with the library's prototype (`ret name params`), calling the function
/// `library` resolved at `index` with `args`. A loader expands it over its function list, between
/// `#pragma GCC visibility push(hidden)` and `pop`: Swift and C code linked into the executable
/// call the forwarders, but they are not exported, so they never interpose on the real functions
/// for the library itself (its own internal calls) or for anything else loaded into the process.
#define QSL_LAZY_FORWARD(library, index, ret, name, params, args) \
    ret name params { \
        ret(*function) params; \
        *(void **)(&function) = qsl_lazy_library_function(&(library), (index), #name); \
        return function args; \
    }

#endif
