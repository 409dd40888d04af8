// Kernels compiled for instruction sets beyond the package's x86-64-v3 baseline, chosen at run time.
// Swift has no per-function target attribute, so these few live in C with one (a whole Swift module built
// for AVX-512 would let the optimiser inline its code into paths that run on AVX2-only CPUs).
#ifndef DFH_CKERNELS_H
#define DFH_CKERNELS_H

#include <stddef.h>

// 1 when the CPU and the OS support AVX-512 F (zmm state saved across context switches).
int dfh_cpu_has_avx512(void);

// y[rows, n] (row stride n) = clamp(x[rows, k] * W + bias (+ shortcut), lower, upper) for the 16-wide weight
// panels [first_panel, end_panel) of a packed 1x1 layer (panel p at packed + p * k * 16, [k][16]), all of them
// full width. Each output is bias then one FMA per k in order, then + shortcut, then max(lower) and min(upper):
// the same operations in the same order as the AVX2 tiles, so the results are bit-identical to them.
// rows >= 12 (a short last block is computed as a full one ending at the last row).
void dfh_pointwise_panels_avx512(const float *x, ptrdiff_t rows, ptrdiff_t k, const float *packed,
                                 ptrdiff_t first_panel, ptrdiff_t end_panel, const float *bias,
                                 const float *shortcut, ptrdiff_t n, float lower, float upper, float *y);

#endif
