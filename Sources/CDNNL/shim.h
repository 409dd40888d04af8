// oneDNN's GEMM (Debian libdnnl-dev 2.6: /usr/include/dnnl.h, no pkg-config file) and the one OpenMP call
// that sets how many threads it uses: Debian builds oneDNN on GNU OpenMP (libgomp), whose omp.h lives in
// GCC's private include folder, so the prototype is declared here.
#pragma once
#include <dnnl.h>

void omp_set_num_threads(int count);
