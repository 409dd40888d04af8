// A k x k convolution's product read straight from a zero-padded NHWC input (PaddedPatchProduct) on AVX-512:
// the 1x1 layers' 12 x 32 register tile, each row an output pixel whose patch is `runs` contiguous runs.
#include <immintrin.h>
#include "CKernels.h"

#define DFH_AVX512 __attribute__((target("avx512f,fma")))

DFH_AVX512 static inline __m512 clamp(__m512 v, __m512 lower, __m512 upper) {
    return _mm512_min_ps(upper, _mm512_max_ps(lower, v));
}

// One or two panels (width) of the 12 pixels `rows`; w: the first panel, the second k floats x 16 after it.
DFH_AVX512 static inline void patch_tile12(const float *const *rows, ptrdiff_t runs, ptrdiff_t run_length,
                                           ptrdiff_t run_stride, const float *w, ptrdiff_t k, int width,
                                           const float *bias, ptrdiff_t n, __m512 lower, __m512 upper, float *c) {
    const float *w1 = w + k * 16;
    __m512 b0 = _mm512_loadu_ps(bias), b1 = width == 2 ? _mm512_loadu_ps(bias + 16) : b0;
    __m512 acc0[12], acc1[12];
#pragma clang loop unroll(full)
    for (int r = 0; r < 12; r++) { acc0[r] = b0; acc1[r] = b1; }
    ptrdiff_t i = 0;  // index into the patch, across runs
    for (ptrdiff_t run = 0; run < runs; run++) {
        ptrdiff_t offset = run * run_stride - i;  // rows[r] + offset + i: this run's value i
        if (width == 2) {
            for (ptrdiff_t end = i + run_length; i < end; i++) {
                __m512 v0 = _mm512_loadu_ps(w + i * 16), v1 = _mm512_loadu_ps(w1 + i * 16);
#pragma clang loop unroll(full)
                for (int r = 0; r < 12; r++) {
                    __m512 x = _mm512_set1_ps(rows[r][offset + i]);
                    acc0[r] = _mm512_fmadd_ps(x, v0, acc0[r]);
                    acc1[r] = _mm512_fmadd_ps(x, v1, acc1[r]);
                }
            }
        } else {
            for (ptrdiff_t end = i + run_length; i < end; i++) {
                __m512 v0 = _mm512_loadu_ps(w + i * 16);
#pragma clang loop unroll(full)
                for (int r = 0; r < 12; r++)
                    acc0[r] = _mm512_fmadd_ps(_mm512_set1_ps(rows[r][offset + i]), v0, acc0[r]);
            }
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < 12; r++) {
        _mm512_storeu_ps(c + r * n, clamp(acc0[r], lower, upper));
        if (width == 2) _mm512_storeu_ps(c + r * n + 16, clamp(acc1[r], lower, upper));
    }
}

// Weights in groups of panels of about this many bytes, so a group stays in the core's L2 while every pixel runs
// over it (ResNet-50's 3x3 layers hold 2.3 and 9.4 MB): otherwise each 12 pixels stream them from L3.
#define DFH_PATCH_GROUP_BYTES (384 * 1024)

DFH_AVX512 void dfh_patch_panels_avx512(const float *const *starts, ptrdiff_t pixels, ptrdiff_t runs,
                                        ptrdiff_t run_length, ptrdiff_t run_stride, const float *packed,
                                        ptrdiff_t panels, const float *bias, float lower, float upper, float *y) {
    __m512 lo = _mm512_set1_ps(lower), hi = _mm512_set1_ps(upper);
    ptrdiff_t k = runs * run_length, n = panels * 16;
    ptrdiff_t group = DFH_PATCH_GROUP_BYTES / (k * 16 * (ptrdiff_t)sizeof(float)) & ~(ptrdiff_t)1;
    if (group < 2) group = 2;
    for (ptrdiff_t first = 0; first < panels; first += group) {
        ptrdiff_t end = first + group < panels ? first + group : panels;
        for (ptrdiff_t q = 0; q < pixels; q += 12) {
            // A short last group is a full one ending at the last pixel: its repeated pixels come out identical.
            if (pixels - q < 12) q = pixels - 12;
            for (ptrdiff_t p = first; p < end; p += 2) {
                int width = end - p >= 2 ? 2 : 1;
                patch_tile12(starts + q, runs, run_length, run_stride, packed + p * k * 16, k, width, bias + p * 16,
                             n, lo, hi, y + q * n + p * 16);
            }
        }
    }
}
