// The 1x1 layers' product on AVX-512: up to 12 rows x 32 columns (two 16-wide panels) per register tile, 24
// accumulators, two weight vectors and a broadcast in the 32 zmm registers.
#include <immintrin.h>
#include "CKernels.h"

#define DFH_AVX512 __attribute__((target("avx512f,fma")))
#define DFH_INLINE __attribute__((always_inline)) static inline

int dfh_cpu_has_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

// max(lower, v) then min(upper, v) with v second: a NaN stays NaN and -0 stays -0, as the AVX2 tiles clamp.
DFH_AVX512 DFH_INLINE __m512 finish(__m512 v, const float *shortcut, __mmask16 mask, __m512 lower, __m512 upper) {
    if (shortcut) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, shortcut));
    return _mm512_min_ps(upper, _mm512_max_ps(lower, v));
}

// One panel of a tile: its weights ([k][stride] from w), the output columns it stores (mask) and where.
typedef struct {
    const float *w;
    ptrdiff_t stride;
    __mmask16 mask;
} panel_t;

// `rows` (1...12, a constant once inlined) rows starting at a (row stride lda) times one or two panels (width);
// c and s point at the tile's first output. A panel narrower than 16 reads its weights, bias and shortcut
// through its mask, so lanes past the layer's last channel are zeros that are never stored.
DFH_AVX512 DFH_INLINE __m512 load(const int masked, __mmask16 mask, const float *p) {
    return masked ? _mm512_maskz_loadu_ps(mask, p) : _mm512_loadu_ps(p);
}

DFH_AVX512 DFH_INLINE void tile(const int rows, const int masked, const float *a, ptrdiff_t lda, ptrdiff_t k,
                                panel_t p0, panel_t p1, int width, const float *bias, const float *s, ptrdiff_t n,
                                __m512 lower, __m512 upper, float *c) {
    // The shortcut was written layers ago and is out in L3 when its map outgrows L2: fetch the tile's rows
    // while the products run, not when the sums are done.
    if (s) {
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) {
            // 16 * width floats: up to three cache lines (prefetching never faults past the row's end).
            for (int j = 0; j < 16 * width; j += 16) _mm_prefetch((const char *)(s + r * n + j), _MM_HINT_T0);
            _mm_prefetch((const char *)(s + r * n + 16 * width - 1), _MM_HINT_T0);
        }
    }
    __m512 b0 = load(masked, p0.mask, bias), b1 = width == 2 ? load(masked, p1.mask, bias + 16) : b0;
    __m512 acc0[12], acc1[12];
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) { acc0[r] = b0; acc1[r] = b1; }
    if (width == 2) {
        for (ptrdiff_t i = 0; i < k; i++) {
            __m512 v0 = load(masked, p0.mask, p0.w + i * p0.stride);
            __m512 v1 = load(masked, p1.mask, p1.w + i * p1.stride);
#pragma clang loop unroll(full)
            for (int r = 0; r < rows; r++) {
                __m512 x = _mm512_set1_ps(a[r * lda + i]);
                acc0[r] = _mm512_fmadd_ps(x, v0, acc0[r]);
                acc1[r] = _mm512_fmadd_ps(x, v1, acc1[r]);
            }
        }
    } else {
        for (ptrdiff_t i = 0; i < k; i++) {
            __m512 v0 = load(masked, p0.mask, p0.w + i * p0.stride);
#pragma clang loop unroll(full)
            for (int r = 0; r < rows; r++) acc0[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r * lda + i]), v0, acc0[r]);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) {
        __m512 v0 = finish(acc0[r], s ? s + r * n : 0, p0.mask, lower, upper);
        if (masked) _mm512_mask_storeu_ps(c + r * n, p0.mask, v0); else _mm512_storeu_ps(c + r * n, v0);
        if (width == 2) {
            __m512 v1 = finish(acc1[r], s ? s + r * n + 16 : 0, p1.mask, lower, upper);
            if (masked) _mm512_mask_storeu_ps(c + r * n + 16, p1.mask, v1); else _mm512_storeu_ps(c + r * n + 16, v1);
        }
    }
}

// Panel p of a packed layer with n outputs: full ones [k][16]; a last partial one [k][8] or [k][16] (its width
// rounded up to 8 lanes, as PackedPointwiseWeights stores it), read under a mask of its real columns.
DFH_AVX512 DFH_INLINE panel_t panel(const float *packed, ptrdiff_t k, ptrdiff_t n, ptrdiff_t p) {
    ptrdiff_t width = n - p * 16 < 16 ? n - p * 16 : 16;
    panel_t result = {packed + p * k * 16, (width + 7) & ~(ptrdiff_t)7, (__mmask16)((1u << width) - 1)};
    return result;
}

// The rows % 12 left after the full tiles, as one exact tile (each output the same chain of FMAs).
DFH_AVX512 static void tail_tile(int rows, int masked, const float *a, ptrdiff_t k, panel_t p0, panel_t p1, int width,
                                 const float *bias, const float *s, ptrdiff_t n, __m512 lo, __m512 hi, float *c) {
    switch (rows) {
#define DFH_TAIL(R) case R: if (masked) tile(R, 1, a, k, k, p0, p1, width, bias, s, n, lo, hi, c); \
                            else tile(R, 0, a, k, k, p0, p1, width, bias, s, n, lo, hi, c); break;
        DFH_TAIL(1) DFH_TAIL(2) DFH_TAIL(3) DFH_TAIL(4) DFH_TAIL(5) DFH_TAIL(6)
        DFH_TAIL(7) DFH_TAIL(8) DFH_TAIL(9) DFH_TAIL(10) DFH_TAIL(11)
#undef DFH_TAIL
        default: break;
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
                const float *a = x + row * k;
                int tile_rows = end_row - row < 12 ? (int)(end_row - row) : 12;
                for (ptrdiff_t p = first; p < end; p += 2) {
                    int width = end - p >= 2 ? 2 : 1;
                    panel_t p0 = panel(packed, k, n, p), p1 = width == 2 ? panel(packed, k, n, p + 1) : p0;
                    const float *s = shortcut ? shortcut + row * n + p * 16 : 0;
                    float *c = y + row * n + p * 16;
                    // Only the pair holding a partial last panel pays for masked loads and stores.
                    int masked = (p + width) * 16 > n;
                    if (tile_rows < 12)
                        tail_tile(tile_rows, masked, a, k, p0, p1, width, bias + p * 16, s, n, lo, hi, c);
                    else if (masked)
                        tile(12, 1, a, k, k, p0, p1, width, bias + p * 16, s, n, lo, hi, c);
                    else
                        tile(12, 0, a, k, k, p0, p1, width, bias + p * 16, s, n, lo, hi, c);
                }
            }
        }
    }
}
