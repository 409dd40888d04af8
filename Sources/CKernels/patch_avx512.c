// A k x k convolution's product read straight from a zero-padded NHWC input (PaddedPatchProduct) on AVX-512:
// the 1x1 layers' 12 x 32 register tile, each row an output pixel whose patch is `runs` contiguous runs.
#include <immintrin.h>
#include "CKernels.h"

#define DFH_AVX512 __attribute__((target("avx512f,fma")))
#define DFH_INLINE __attribute__((always_inline)) static inline

DFH_AVX512 DFH_INLINE __m512 clamp(__m512 v, __m512 lower, __m512 upper) {
    return _mm512_min_ps(upper, _mm512_max_ps(lower, v));
}

// One or two panels (width) of the `count` pixels (1...12, a constant once inlined) `rows`; w: the first panel,
// the second k floats x 16 after it.
DFH_AVX512 DFH_INLINE void patch_tile(const int count, const float *const *rows, ptrdiff_t runs,
                                      ptrdiff_t run_length, ptrdiff_t run_stride, const float *w, ptrdiff_t k,
                                      int width, const float *bias, ptrdiff_t n, __m512 lower, __m512 upper,
                                      float *c) {
    const float *w1 = w + k * 16;
    __m512 b0 = _mm512_loadu_ps(bias), b1 = width == 2 ? _mm512_loadu_ps(bias + 16) : b0;
    __m512 acc0[12], acc1[12];
#pragma clang loop unroll(full)
    for (int r = 0; r < count; r++) { acc0[r] = b0; acc1[r] = b1; }
    ptrdiff_t i = 0;  // index into the patch, across runs
    for (ptrdiff_t run = 0; run < runs; run++) {
        ptrdiff_t offset = run * run_stride - i;  // rows[r] + offset + i: this run's value i
        if (width == 2) {
            for (ptrdiff_t end = i + run_length; i < end; i++) {
                __m512 v0 = _mm512_loadu_ps(w + i * 16), v1 = _mm512_loadu_ps(w1 + i * 16);
#pragma clang loop unroll(full)
                for (int r = 0; r < count; r++) {
                    __m512 x = _mm512_set1_ps(rows[r][offset + i]);
                    acc0[r] = _mm512_fmadd_ps(x, v0, acc0[r]);
                    acc1[r] = _mm512_fmadd_ps(x, v1, acc1[r]);
                }
            }
        } else {
            for (ptrdiff_t end = i + run_length; i < end; i++) {
                __m512 v0 = _mm512_loadu_ps(w + i * 16);
#pragma clang loop unroll(full)
                for (int r = 0; r < count; r++)
                    acc0[r] = _mm512_fmadd_ps(_mm512_set1_ps(rows[r][offset + i]), v0, acc0[r]);
            }
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < count; r++) {
        _mm512_storeu_ps(c + r * n, clamp(acc0[r], lower, upper));
        if (width == 2) _mm512_storeu_ps(c + r * n + 16, clamp(acc1[r], lower, upper));
    }
}

// The pixels % 12 left after the full tiles, as one exact tile (each output the same chain of FMAs).
DFH_AVX512 static void patch_tail(int count, const float *const *rows, ptrdiff_t runs, ptrdiff_t run_length,
                                  ptrdiff_t run_stride, const float *w, ptrdiff_t k, int width, const float *bias,
                                  ptrdiff_t n, __m512 lower, __m512 upper, float *c) {
    switch (count) {
#define DFH_TAIL(R) \
    case R: patch_tile(R, rows, runs, run_length, run_stride, w, k, width, bias, n, lower, upper, c); break;
        DFH_TAIL(1) DFH_TAIL(2) DFH_TAIL(3) DFH_TAIL(4) DFH_TAIL(5) DFH_TAIL(6)
        DFH_TAIL(7) DFH_TAIL(8) DFH_TAIL(9) DFH_TAIL(10) DFH_TAIL(11)
#undef DFH_TAIL
        default: break;
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
            int count = pixels - q < 12 ? (int)(pixels - q) : 12;
            for (ptrdiff_t p = first; p < end; p += 2) {
                int width = end - p >= 2 ? 2 : 1;
                const float *w = packed + p * k * 16;
                float *c = y + q * n + p * 16;
                if (count == 12)
                    patch_tile(12, starts + q, runs, run_length, run_stride, w, k, width, bias + p * 16, n, lo, hi, c);
                else
                    patch_tail(count, starts + q, runs, run_length, run_stride, w, k, width, bias + p * 16, n, lo, hi,
                               c);
            }
        }
    }
}
