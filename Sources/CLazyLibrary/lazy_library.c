// See include/CLazyLibrary.h.
#include "CLazyLibrary.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The file `library` opens: its path variable when set and not empty, else its soname.
static const char *qsl_lazy_library_path(const struct qsl_lazy_library *library) {
    const char *override = getenv(library->path_variable);
    return override != NULL && override[0] != '\0' ? override : library->soname;
}

static void qsl_lazy_library_failure(
    const struct qsl_lazy_library *library, char *error, size_t size, const char *path, const char *reason) {
    if (error == NULL || size == 0) return;
    snprintf(error, size, "%s (%s, %s) could not be loaded: %s; install the Debian package %s (apt-get install %s)",
        library->name, library->purpose, path, reason != NULL ? reason : "unknown error", library->package, library->package);
}

// Opens `path` and resolves every function into `functions`; the handle, or NULL with the message.
static void *qsl_lazy_library_open(
    const struct qsl_lazy_library *library, const char *path, void **functions, char *error, size_t size) {
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        qsl_lazy_library_failure(library, error, size, path, dlerror());
        return NULL;
    }
    for (size_t i = 0; i < library->count; i++) {
        functions[i] = dlsym(handle, library->symbols[i]);
        if (functions[i] == NULL) {
            char reason[192];
            snprintf(reason, sizeof reason, "it has no %s (%s)", library->symbols[i], library->missing_hint);
            qsl_lazy_library_failure(library, error, size, path, reason);
            dlclose(handle);
            return NULL;
        }
    }
    return handle;
}

int qsl_lazy_library_load(struct qsl_lazy_library *library, char *error, size_t size) {
    if (atomic_load_explicit(&library->loaded, memory_order_acquire)) return 0;
    pthread_mutex_lock(&library->lock);
    int result = 0;
    if (!atomic_load_explicit(&library->loaded, memory_order_relaxed)) {
        void **functions = calloc(library->count, sizeof(void *));
        const char *path = qsl_lazy_library_path(library);
        void *handle = functions != NULL ? qsl_lazy_library_open(library, path, functions, error, size) : NULL;
        if (functions == NULL) qsl_lazy_library_failure(library, error, size, path, "out of memory");
        char reason[256] = "";
        if (handle == NULL) {
            result = -1;
        } else if (library->initialize != NULL && library->initialize(functions, reason, sizeof reason) != 0) {
            qsl_lazy_library_failure(library, error, size, path, reason);
            dlclose(handle);
            result = -1;
        } else {
            memcpy(library->functions, functions, library->count * sizeof(void *));
            atomic_store_explicit(&library->loaded, 1, memory_order_release);
        }
        free(functions);
    }
    pthread_mutex_unlock(&library->lock);
    return result;
}

int qsl_lazy_library_probe(const struct qsl_lazy_library *library, const char *path, char *error, size_t size) {
    void **functions = calloc(library->count, sizeof(void *));
    if (functions == NULL) {
        qsl_lazy_library_failure(library, error, size, path, "out of memory");
        return -1;
    }
    void *handle = qsl_lazy_library_open(library, path, functions, error, size);
    free(functions);
    if (handle == NULL) return -1;
    dlclose(handle);
    return 0;
}

void *qsl_lazy_library_function(struct qsl_lazy_library *library, size_t index, const char *name) {
    if (!atomic_load_explicit(&library->loaded, memory_order_acquire)) {
        fprintf(stderr, "qsl-config: internal error: %s called before %s was loaded\n", name, library->name);
        abort();
    }
    return library->functions[index];
}
