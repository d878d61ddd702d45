// libcurl's easy interface for the AWS transport. curl_easy_setopt and curl_easy_getinfo are
// variadic, which Swift cannot call: these typed wrappers pass each kind of argument.
#ifndef QSL_CLIBCURL_SHIM_H
#define QSL_CLIBCURL_SHIM_H
#include <curl/curl.h>

typedef size_t (*qsl_curl_data_callback)(char *data, size_t size, size_t count, void *context);
typedef int (*qsl_curl_progress_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode qsl_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode qsl_curl_set_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode qsl_curl_set_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode qsl_curl_set_data_callback(CURL *handle, CURLoption option, qsl_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}
static inline CURLcode qsl_curl_set_progress_callback(CURL *handle, qsl_curl_progress_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}
static inline long qsl_curl_response_code(CURL *handle) {
    long code = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &code);
    return code;
}
#endif
