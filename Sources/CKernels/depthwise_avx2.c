// Depthwise interior pixels on AVX2 + FMA: the twin of depthwise_avx512.c with 8-lane vectors. P outputs of one
// row share each loaded input column and tap vector; 8 sums, a tap and a column fill 10 of the 16 ymm registers.
#include <immintrin.h>
#include "CKernels.h"

#define DFH_AVX2 __attribute__((target("avx2,fma,prfchw")))

// With constant k, s and P the loops unroll fully; loads of a column that several windows read are one load.
DFH_AVX2 static inline __attribute__((always_inline)) void
interior(const float *in, ptrdiff_t row_stride, const float *w, const float *bias, ptrdiff_t rows,
         ptrdiff_t channels, ptrdiff_t channels8, const int k, const int s, const int pixels, __m256 lo,
         __m256 hi, int ahead, float *out) {
    // The next call's new input columns (in the window's last row: the rows above were read by the output row
    // before) and its outputs.
    const float *next_in = in + (rows - 1) * row_stride + ((pixels - 1) * s + k) * channels;
    float *next_out = out + pixels * channels;
    for (ptrdiff_t c = 0; c < channels8; c += 8) {
        if (ahead && (c & 15) == 0) {
#pragma clang loop unroll(full)
            for (int j = 0; j < pixels * s; j++) _mm_prefetch((const char *)(next_in + j * channels + c), _MM_HINT_T0);
#pragma clang loop unroll(full)
            for (int j = 0; j < pixels; j++) _m_prefetchw(next_out + j * channels + c);
        }
        __m256 sum[8];
        __m256 b = _mm256_loadu_ps(bias + c);
#pragma clang loop unroll(full)
        for (int j = 0; j < pixels; j++) sum[j] = b;
        for (ptrdiff_t ky = 0; ky < rows; ky++) {
            const float *row = in + ky * row_stride + c;
            const float *tap = w + ky * k * channels + c;
#pragma clang loop unroll(full)
            for (int kx = 0; kx < k; kx++) {
                __m256 weight = _mm256_loadu_ps(tap + kx * channels);
#pragma clang loop unroll(full)
                for (int j = 0; j < pixels; j++)
                    sum[j] = _mm256_fmadd_ps(_mm256_loadu_ps(row + (j * s + kx) * channels), weight, sum[j]);
            }
        }
#pragma clang loop unroll(full)
        for (int j = 0; j < pixels; j++)
            _mm256_storeu_ps(out + j * channels + c, _mm256_min_ps(hi, _mm256_max_ps(lo, sum[j])));
    }
}

DFH_AVX2 void dfh_depthwise_interior_avx2(const float *in, ptrdiff_t row_stride, const float *w, const float *bias,
                                          ptrdiff_t rows, ptrdiff_t channels, ptrdiff_t channels8, int k, int s,
                                          int pixels, float lower, float upper, int ahead, float *out) {
    __m256 lo = _mm256_set1_ps(lower), hi = _mm256_set1_ps(upper);
    if (k == 3 && s == 1 && pixels == 8)
        interior(in, row_stride, w, bias, rows, channels, channels8, 3, 1, 8, lo, hi, ahead, out);
    else if (k == 5 && s == 1 && pixels == 8)
        interior(in, row_stride, w, bias, rows, channels, channels8, 5, 1, 8, lo, hi, ahead, out);
    else if (k == 3 && s == 1 && pixels == 4)
        interior(in, row_stride, w, bias, rows, channels, channels8, 3, 1, 4, lo, hi, ahead, out);
    else if (k == 5 && s == 1 && pixels == 4)
        interior(in, row_stride, w, bias, rows, channels, channels8, 5, 1, 4, lo, hi, ahead, out);
    else if (k == 3 && s == 2 && pixels == 4)
        interior(in, row_stride, w, bias, rows, channels, channels8, 3, 2, 4, lo, hi, ahead, out);
    else if (k == 5 && s == 2 && pixels == 4)
        interior(in, row_stride, w, bias, rows, channels, channels8, 5, 2, 4, lo, hi, ahead, out);
    else
        __builtin_trap();  // callers pass only the six shapes above
}
