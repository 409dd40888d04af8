// Depthwise interior pixels on AVX-512: P outputs of one row share each loaded input column and tap vector.
#include <immintrin.h>
#include "CKernels.h"

#define DFH_AVX512 __attribute__((target("avx512f,fma")))

// With constant k, s and P the loops unroll fully; loads of a column that several windows read are one load.
DFH_AVX512 static inline __attribute__((always_inline)) void
interior(const float *in, ptrdiff_t row_stride, const float *w, const float *bias, ptrdiff_t rows,
         ptrdiff_t channels, ptrdiff_t channels16, const int k, const int s, const int pixels, __m512 lo,
         __m512 hi, float *out) {
    for (ptrdiff_t c = 0; c < channels16; c += 16) {
        __m512 sum[8];
        __m512 b = _mm512_loadu_ps(bias + c);
#pragma clang loop unroll(full)
        for (int j = 0; j < pixels; j++) sum[j] = b;
        for (ptrdiff_t ky = 0; ky < rows; ky++) {
            const float *row = in + ky * row_stride + c;
            const float *tap = w + ky * k * channels + c;
#pragma clang loop unroll(full)
            for (int kx = 0; kx < k; kx++) {
                __m512 weight = _mm512_loadu_ps(tap + kx * channels);
#pragma clang loop unroll(full)
                for (int j = 0; j < pixels; j++)
                    sum[j] = _mm512_fmadd_ps(_mm512_loadu_ps(row + (j * s + kx) * channels), weight, sum[j]);
            }
        }
#pragma clang loop unroll(full)
        for (int j = 0; j < pixels; j++)
            _mm512_storeu_ps(out + j * channels + c, _mm512_min_ps(hi, _mm512_max_ps(lo, sum[j])));
    }
}

DFH_AVX512 void dfh_depthwise_interior_avx512(const float *in, ptrdiff_t row_stride, const float *w,
                                              const float *bias, ptrdiff_t rows, ptrdiff_t channels,
                                              ptrdiff_t channels16, int k, int s, int pixels, float lower,
                                              float upper, float *out) {
    __m512 lo = _mm512_set1_ps(lower), hi = _mm512_set1_ps(upper);
    if (k == 3 && s == 1 && pixels == 8)
        interior(in, row_stride, w, bias, rows, channels, channels16, 3, 1, 8, lo, hi, out);
    else if (k == 5 && s == 1 && pixels == 8)
        interior(in, row_stride, w, bias, rows, channels, channels16, 5, 1, 8, lo, hi, out);
    else if (k == 3 && s == 2 && pixels == 4)
        interior(in, row_stride, w, bias, rows, channels, channels16, 3, 2, 4, lo, hi, out);
    else if (k == 5 && s == 2 && pixels == 4)
        interior(in, row_stride, w, bias, rows, channels, channels16, 5, 2, 4, lo, hi, out);
    else
        __builtin_trap();  // callers pass only the four shapes above
}
