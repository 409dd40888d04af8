// The CNN's register-tile kernels in C, chosen at run time: AVX-512 ones, which need a per-function target
// attribute Swift lacks (a whole Swift module built for AVX-512 would let the optimiser inline its code into
// paths that run on AVX2-only CPUs), and their AVX2 twins, whose loop blocking and register use C controls.
#ifndef DFH_CKERNELS_H
#define DFH_CKERNELS_H

#include <stddef.h>

// 1 when the CPU and the OS support AVX-512 F (zmm state saved across context switches).
int dfh_cpu_has_avx512(void);

// y[rows, n] (row stride n) = clamp(x[rows, k] * W + bias (+ shortcut), lower, upper) for the 16-wide weight
// panels [first_panel, end_panel) of a packed 1x1 layer (panel p at packed + p * k * 16, [k][16]; a partial last
// panel [k][8] or [k][16], its width rounded up to 8, read and stored under a mask). Each output is bias then one
// FMA per k in order, then + shortcut, then max(lower) and min(upper): the same operations in the same order as
// the AVX2 tiles, so the results are bit-identical to them. Any rows >= 1 (the last rows % 12 as one exact tile).
void dfh_pointwise_panels_avx512(const float *x, ptrdiff_t rows, ptrdiff_t k, const float *packed,
                                 ptrdiff_t first_panel, ptrdiff_t end_panel, const float *bias,
                                 const float *shortcut, ptrdiff_t n, float lower, float upper, float *y);

// y[pixels, n] (row stride n = panels * 16) = clamp(patches * W + bias, lower, upper) for `pixels` (>= 1) output
// pixels of a k x k convolution read from a zero-padded NHWC input: pixel q's patch is `runs` runs of run_length
// floats starting at starts[q], run_stride apart. packed: the layer's [runs * run_length][16] panels, all full
// width. Each output is bias then one FMA per patch value in order, as PaddedPatchProduct's AVX2 tile computes it.
void dfh_patch_panels_avx512(const float *const *starts, ptrdiff_t pixels, ptrdiff_t runs, ptrdiff_t run_length,
                             ptrdiff_t run_stride, const float *packed, ptrdiff_t panels, const float *bias,
                             float lower, float upper, float *y);

// The same two products on AVX2 + FMA (6 x 16 register tiles, weights in L2-sized groups): the same operations
// in the same order as the AVX-512 kernels above, so bit-identical to them on every input.
void dfh_pointwise_panels_avx2(const float *x, ptrdiff_t rows, ptrdiff_t k, const float *packed,
                               ptrdiff_t first_panel, ptrdiff_t end_panel, const float *bias,
                               const float *shortcut, ptrdiff_t n, float lower, float upper, float *y);
void dfh_patch_panels_avx2(const float *const *starts, ptrdiff_t pixels, ptrdiff_t runs, ptrdiff_t run_length,
                           ptrdiff_t run_stride, const float *packed, ptrdiff_t panels, const float *bias,
                           float lower, float upper, float *y);

// `pixels` horizontally adjacent interior outputs of a depthwise k x k layer with stride s (pixels, k, s one of
// 8/3/1, 8/5/1, 4/3/2, 4/5/2), channels [0, channels16) in 16-lane vectors (channels16 a multiple of 16, row
// stride `channels`). in: the first output's window at its first unclipped kernel row; w: that row's taps
// ([k][channels] per kernel row); rows: kernel rows inside the image; row_stride: floats from one input row to
// the next. Each output: bias, then one FMA per tap in (row, column) order, then max(lower) and min(upper), as
// the AVX2 kernel below and the Swift edge-pixel kernels compute it.
void dfh_depthwise_interior_avx512(const float *in, ptrdiff_t row_stride, const float *w, const float *bias,
                                   ptrdiff_t rows, ptrdiff_t channels, ptrdiff_t channels16, int k, int s,
                                   int pixels, float lower, float upper, float *out);
// The same on AVX2 + FMA, channels [0, channels8) in 8-lane vectors (channels8 a multiple of 8), and also
// 4 pixels at stride 1: the same operations in the same order, so bit-identical to it. ahead != 0: also
// prefetch the next call's new input columns and its outputs (the `pixels` outputs to the right; a hint, so
// past the image is harmless).
void dfh_depthwise_interior_avx2(const float *in, ptrdiff_t row_stride, const float *w, const float *bias,
                                 ptrdiff_t rows, ptrdiff_t channels, ptrdiff_t channels8, int k, int s,
                                 int pixels, float lower, float upper, int ahead, float *out);

// Blocks up to 512 MiB from the heap rather than fresh mmap pages, and up to 1 GiB of freed memory kept for
// reuse rather than trimmed back to the OS (glibc's mallopt).
void dfh_keep_freed_blocks(void);

// SiLU x / (1 + e^-x) in place over vectors * 16 floats: the same operations as SiLU.swift's vector path
// (a clamped Cephes e^x), so bit-identical to it.
void dfh_silu_avx512(float *values, ptrdiff_t vectors);

#endif
