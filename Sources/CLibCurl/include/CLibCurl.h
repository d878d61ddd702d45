// libcurl's easy interface for the AWS transport, loaded on first use rather than linked: the CLI
// starts without libcurl (and the nghttp2, ssh2, idn2, LDAP and Kerberos libraries it pulls in),
// and only a command that calls AWS needs it.
//
// The libcurl functions qsl-config calls are defined in libcurl_loader.c with the exact prototypes
// of <curl/curl.h>, each forwarding to the function resolved from "libcurl.so.4" (dlopen + dlsym).
// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: the typed
// wrappers below pass each kind of argument through the resolved pointers. Call qsl_curl_load
// first: until it has returned 0 the forwarders have nothing to call.
#ifndef QSL_CLIBCURL_H
#define QSL_CLIBCURL_H

#include <stddef.h>
#include <curl/curl.h>

typedef size_t (*qsl_curl_data_callback)(char *data, size_t size, size_t count, void *context);
typedef int (*qsl_curl_progress_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);

/// Loads libcurl, resolves every function qsl-config calls and runs
/// `curl_global_init(CURL_GLOBAL_DEFAULT)`, once per process (thread-safe; a failure is not
/// remembered, so a later call tries again). Returns 0, or -1 with a message that names the
/// library and the Debian package that provides it written to `error` (`size` bytes,
/// NUL-terminated).
int qsl_curl_load(char *error, size_t size);

/// What qsl_curl_load would say of the library at `path`, without installing or initialising it:
/// opens it, resolves every function, closes it. Returns 0, or -1 with the message in `error`.
int qsl_curl_probe(const char *path, char *error, size_t size);

CURLcode qsl_curl_set_long(CURL *handle, CURLoption option, long value);
CURLcode qsl_curl_set_offset(CURL *handle, CURLoption option, curl_off_t value);
CURLcode qsl_curl_set_pointer(CURL *handle, CURLoption option, const void *value);
CURLcode qsl_curl_set_data_callback(CURL *handle, CURLoption option, qsl_curl_data_callback callback);
CURLcode qsl_curl_set_progress_callback(CURL *handle, qsl_curl_progress_callback callback);
long qsl_curl_response_code(CURL *handle);

#endif
