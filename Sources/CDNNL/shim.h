// oneDNN's GEMM (Debian libdnnl-dev 2.6: /usr/include/dnnl.h, no pkg-config file) and the one OpenMP call
// that sets how many threads it uses: Debian builds oneDNN on GNU OpenMP (libgomp), whose omp.h lives in
// GCC's private include folder, so the prototype is declared here.
#pragma once
#include <dnnl.h>

void omp_set_num_threads(int count);

// GNU OpenMP's entry for a parallel region (what GCC emits for `#pragma omp parallel`): runs fn(data) on
// `num_threads` threads of the team oneDNN also uses, the caller as thread 0. Swift has no OpenMP pragmas.
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
