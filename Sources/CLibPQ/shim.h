#ifndef QSL_CLIBPQ_SHIM_H
#define QSL_CLIBPQ_SHIM_H

#include <libpq-fe.h>

#endif
