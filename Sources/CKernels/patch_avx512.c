// A general convolution's product read straight from a zero-padded NHWC input (PaddedPatchProduct) on AVX-512:
// the 1x1 layers' 12 x 32 register tile, each row's inputs taken from `runs` runs of one output pixel's patch.
#include <immintrin.h>
#include "CKernels.h"

#define DFH_AVX512 __attribute__((target("avx512f,fma")))

// 12 pixels x `width` (1 or 2) panels; a[r] is pixel r's patch start, the packed panel [runs * run_length][16].
DFH_AVX512 static inline void patch_tile12(const float *const a[12], ptrdiff_t runs, ptrdiff_t run_length,
                                           ptrdiff_t run_stride, const float *w, ptrdiff_t k, int width,
                                           const float *bias, ptrdiff_t n, __m512 lower, __m512 upper, float *c) {
    const float *w1 = w + k * 16;
    __m512 b0 = _mm512_loadu_ps(bias), b1 = width == 2 ? _mm512_loadu_ps(bias + 16) : b0;
    __m512 acc0[12], acc1[12];
#pragma clang loop unroll(full)
    for (int r = 0; r < 12; r++) { acc0[r] = b0; acc1[r] = b1; }
    ptrdiff_t i = 0;
    for (ptrdiff_t run = 0; run < runs; run++) {
        const ptrdiff_t offset = run * run_stride;
        if (width == 2) {
            for (ptrdiff_t j = 0; j < run_length; j++, i++) {
                __m512 v0 = _mm512_loadu_ps(w + i * 16), v1 = _mm512_loadu_ps(w1 + i * 16);
#pragma clang loop unroll(full)
                for (int r = 0; r < 12; r++) {
                    __m512 x = _mm512_set1_ps(a[r][offset + j]);
                    acc0[r] = _mm512_fmadd_ps(x, v0, acc0[r]);
                    acc1[r] = _mm512_fmadd_ps(x, v1, acc1[r]);
                }
            }
        } else {
            for (ptrdiff_t j = 0; j < run_length; j++, i++) {
                __m512 v0 = _mm512_loadu_ps(w + i * 16);
#pragma clang loop unroll(full)
                for (int r = 0; r < 12; r++) acc0[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r][offset + j]), v0, acc0[r]);
            }
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < 12; r++) {
        _mm512_storeu_ps(c + r * n, _mm512_min_ps(upper, _mm512_max_ps(lower, acc0[r])));
        if (width == 2) _mm512_storeu_ps(c + r * n + 16, _mm512_min_ps(upper, _mm512_max_ps(lower, acc1[r])));
    }
}

DFH_AVX512 void dfh_patch_panels_avx512(const float *x, const ptrdiff_t *starts, ptrdiff_t pixels, ptrdiff_t runs,
                                        ptrdiff_t run_length, ptrdiff_t run_stride, const float *packed,
                                        const float *bias, ptrdiff_t n, float lower, float upper, float *y) {
    __m512 lo = _mm512_set1_ps(lower), hi = _mm512_set1_ps(upper);
    const ptrdiff_t k = runs * run_length, panels = n / 16;
    const float *a[12];
    for (ptrdiff_t q = 0; q < pixels; q += 12) {
        // A short last block is a full one ending at the last pixel: its repeated pixels come out identical.
        if (pixels - q < 12) q = pixels - 12;
        for (int r = 0; r < 12; r++) a[r] = x + starts[q + r];
        for (ptrdiff_t p = 0; p < panels; p += 2) {
            int width = panels - p >= 2 ? 2 : 1;
            patch_tile12(a, runs, run_length, run_stride, packed + p * k * 16, k, width, bias + p * 16, n, lo, hi,
                         y + q * n + p * 16);
        }
    }
}
