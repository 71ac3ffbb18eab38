// OpenBLAS's CBLAS interface, plus its thread-count controls (Debian's libopenblas-dev, pthread flavour).
#ifndef ROLLCALL_COPENBLAS_SHIM_H
#define ROLLCALL_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
