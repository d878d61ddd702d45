// libpq, loaded on first use rather than linked: the CLI starts without it (and without the
// Kerberos, LDAP and GnuTLS libraries it pulls in), and only rotation at a PostgreSQL resource
// needs it.
//
// The libpq functions qsl-config calls are defined in libpq_loader.c with the exact prototypes of
// <libpq-fe.h>, each forwarding to the function resolved from "libpq.so.5" (dlopen + dlsym), so
// Swift calls them as if libpq were linked. Call qsl_pq_load first: until it has returned 0 the
// forwarders have nothing to call.
#ifndef QSL_CLIBPQ_H
#define QSL_CLIBPQ_H

#include <stddef.h>
#include <postgresql/libpq-fe.h>

/// Loads libpq and resolves every function qsl-config calls, once per process (thread-safe; a
/// failure is not remembered, so a later call tries again). Returns 0, or -1 with a message that
/// names the library and the Debian package that provides it written to `error` (`size` bytes,
/// NUL-terminated).
int qsl_pq_load(char *error, size_t size);

/// What qsl_pq_load would say of the library at `path`, without installing it: opens it, resolves
/// every function, closes it. Returns 0, or -1 with the message in `error`.
int qsl_pq_probe(const char *path, char *error, size_t size);

#endif
