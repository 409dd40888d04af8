// The 1x1 layers' product on AVX-512: 12 rows x 32 columns (two 16-wide panels) per register tile, 24
// accumulators, two weight vectors and a broadcast in the 32 zmm registers.
#include <immintrin.h>
#include "CKernels.h"

#define DFH_AVX512 __attribute__((target("avx512f,fma")))

int dfh_cpu_has_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

// max(lower, v) then min(upper, v) with v second: a NaN stays NaN and -0 stays -0, as the AVX2 tiles clamp.
DFH_AVX512 static inline __m512 finish(__m512 v, const float *shortcut, __m512 lower, __m512 upper) {
    if (shortcut) v = _mm512_add_ps(v, _mm512_loadu_ps(shortcut));
    return _mm512_min_ps(upper, _mm512_max_ps(lower, v));
}

// `width` panels (1 or 2) of 12 rows starting at a; c and s point at the tile's first output.
DFH_AVX512 static inline void tile12(const float *a, ptrdiff_t k, const float *w, int width, const float *bias,
                                     const float *s, ptrdiff_t n, __m512 lower, __m512 upper, float *c) {
    const float *w1 = w + k * 16;
    __m512 b0 = _mm512_loadu_ps(bias), b1 = width == 2 ? _mm512_loadu_ps(bias + 16) : b0;
    __m512 acc0[12], acc1[12];
#pragma clang loop unroll(full)
    for (int r = 0; r < 12; r++) { acc0[r] = b0; acc1[r] = b1; }
    if (width == 2) {
        for (ptrdiff_t i = 0; i < k; i++) {
            __m512 v0 = _mm512_loadu_ps(w + i * 16), v1 = _mm512_loadu_ps(w1 + i * 16);
#pragma clang loop unroll(full)
            for (int r = 0; r < 12; r++) {
                __m512 x = _mm512_set1_ps(a[r * k + i]);
                acc0[r] = _mm512_fmadd_ps(x, v0, acc0[r]);
                acc1[r] = _mm512_fmadd_ps(x, v1, acc1[r]);
            }
        }
    } else {
        for (ptrdiff_t i = 0; i < k; i++) {
            __m512 v0 = _mm512_loadu_ps(w + i * 16);
#pragma clang loop unroll(full)
            for (int r = 0; r < 12; r++) acc0[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r * k + i]), v0, acc0[r]);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < 12; r++) {
        _mm512_storeu_ps(c + r * n, finish(acc0[r], s ? s + r * n : 0, lower, upper));
        if (width == 2) _mm512_storeu_ps(c + r * n + 16, finish(acc1[r], s ? s + r * n + 16 : 0, lower, upper));
    }
}

// Panels and rows in blocks of about this many bytes of weights or inputs, so both stay in the core's L2 (2 MiB
// on Sapphire Rapids, 1 MiB on Zen 4): a layer whose weights outgrow it (ResNet's 2048 x 512, Xception's 728 x 728)
// otherwise streams them from L3 once per 12 rows.
#define DFH_BLOCK_BYTES (384 * 1024)

DFH_AVX512 void dfh_pointwise_panels_avx512(const float *x, ptrdiff_t rows, ptrdiff_t k, const float *packed,
                                            ptrdiff_t first_panel, ptrdiff_t end_panel, const float *bias,
                                            const float *shortcut, ptrdiff_t n, float lower, float upper, float *y) {
    __m512 lo = _mm512_set1_ps(lower), hi = _mm512_set1_ps(upper);
    ptrdiff_t group = DFH_BLOCK_BYTES / (k * 16 * (ptrdiff_t)sizeof(float)) & ~(ptrdiff_t)1;
    ptrdiff_t block = DFH_BLOCK_BYTES / (k * (ptrdiff_t)sizeof(float)) / 12 * 12;
    if (group < 2) group = 2;
    if (block < 12) block = 12;
    for (ptrdiff_t first_row = 0; first_row < rows; first_row += block) {
        ptrdiff_t end_row = first_row + block < rows ? first_row + block : rows;
        for (ptrdiff_t first = first_panel; first < end_panel; first += group) {
            ptrdiff_t end = first + group < end_panel ? first + group : end_panel;
            for (ptrdiff_t row = first_row; row < end_row; row += 12) {
                // A short last block is a full one ending at the last row: its repeated rows come out identical.
                if (end_row - row < 12) row = end_row - 12;
                const float *a = x + row * k;
                for (ptrdiff_t p = first; p < end; p += 2) {
                    int width = end - p >= 2 ? 2 : 1;
                    ptrdiff_t column = p * 16;
                    tile12(a, k, packed + p * k * 16, width, bias + column,
                           shortcut ? shortcut + row * n + column : 0, n, lo, hi, y + row * n + column);
                }
            }
        }
    }
}
