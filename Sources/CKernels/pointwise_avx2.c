// The 1x1 layers' product and the padded patch product on AVX2 + FMA: 6 rows x 16 columns (one packed panel) per
// register tile, 12 accumulators, two weight vectors and a broadcast in the 16 ymm registers (BLIS's Haswell
// shape). Written in C, beside the AVX-512 kernels, for the loop blocking: the weights are walked in groups that
// stay in L2 (512 KB a core on Zen 3) while every row of a block runs over them.
#include <immintrin.h>
#include "CKernels.h"

#define DFH_AVX2 __attribute__((target("avx2,fma")))
#define DFH_INLINE __attribute__((always_inline)) static inline

// The first `lanes` (0...8) lanes set.
DFH_AVX2 DFH_INLINE __m256i first_lanes(ptrdiff_t lanes) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)lanes), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

DFH_AVX2 DFH_INLINE __m256 load(const int masked, __m256i mask, const float *p) {
    return masked ? _mm256_maskload_ps(p, mask) : _mm256_loadu_ps(p);
}

DFH_AVX2 DFH_INLINE void store(const int masked, __m256i mask, float *p, __m256 v) {
    if (masked) _mm256_maskstore_ps(p, mask, v); else _mm256_storeu_ps(p, v);
}

// + shortcut, then max(lower, v) and min(upper, v) with v second: a NaN stays NaN and -0 stays -0, as
// ActivationBounds clamps.
DFH_AVX2 DFH_INLINE __m256 finish(const int masked, __m256i mask, __m256 v, const float *shortcut, __m256 lower,
                                  __m256 upper) {
    if (shortcut) v = _mm256_add_ps(v, load(masked, mask, shortcut));
    return _mm256_min_ps(upper, _mm256_max_ps(lower, v));
}

// One panel: its weights ([k][stored] from w, stored 8 or 16), vectors = stored / 8, and the masks of its real
// columns (a partial last panel reads bias and shortcut and stores through them; its zero weight columns are read).
typedef struct {
    const float *w;
    int vectors;
    __m256i mask0, mask1;
} panel_t;

DFH_AVX2 DFH_INLINE panel_t panel(const float *packed, ptrdiff_t k, ptrdiff_t n, ptrdiff_t p) {
    ptrdiff_t width = n - p * 16 < 16 ? n - p * 16 : 16;
    panel_t result = {packed + p * k * 16, width > 8 ? 2 : 1, first_lanes(width < 8 ? width : 8),
                      first_lanes(width > 8 ? width - 8 : 0)};
    return result;
}

// `rows` (1...6, a constant once inlined) rows x one panel. Row r's k inputs are `runs` runs of run_length floats
// from a[r], run_stride apart (a 1x1 layer: one run of k); each output is bias, then one FMA per input in order.
DFH_AVX2 DFH_INLINE void tile(const int rows, const int vectors, const int masked, const float *const *a,
                              ptrdiff_t runs, ptrdiff_t run_length, ptrdiff_t run_stride, panel_t p,
                              const float *bias, const float *s, ptrdiff_t n, __m256 lower, __m256 upper, float *c) {
    // The shortcut was written layers ago and is out in L3 when its map outgrows L2: fetch the tile's rows
    // while the products run, not when the sums are done.
    if (s) {
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) {
            _mm_prefetch((const char *)(s + r * n), _MM_HINT_T0);
            _mm_prefetch((const char *)(s + r * n + 8 * vectors - 1), _MM_HINT_T0);
        }
    }
    __m256 b0 = load(masked, p.mask0, bias), b1 = vectors == 2 ? load(masked, p.mask1, bias + 8) : b0;
    __m256 acc0[6], acc1[6];
    const float *x[6];
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) { acc0[r] = b0; acc1[r] = b1; x[r] = a[r]; }
    const float *w = p.w;
    for (ptrdiff_t run = 0; run < runs; run++) {
        for (ptrdiff_t i = 0; i < run_length; i++) {
            __m256 v0 = _mm256_loadu_ps(w), v1 = vectors == 2 ? _mm256_loadu_ps(w + 8) : v0;
            w += 8 * vectors;
#pragma clang loop unroll(full)
            for (int r = 0; r < rows; r++) {
                __m256 xr = _mm256_broadcast_ss(x[r] + i);
                acc0[r] = _mm256_fmadd_ps(xr, v0, acc0[r]);
                if (vectors == 2) acc1[r] = _mm256_fmadd_ps(xr, v1, acc1[r]);
            }
        }
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) x[r] += run_stride;
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) {
        store(masked, p.mask0, c + r * n, finish(masked, p.mask0, acc0[r], s ? s + r * n : 0, lower, upper));
        if (vectors == 2)
            store(masked, p.mask1, c + r * n + 8, finish(masked, p.mask1, acc1[r], s ? s + r * n + 8 : 0, lower, upper));
    }
}

// Any rows (1...6) and panel: the full 6-row, 16-wide tile unmasked, every other case its own exact tile.
DFH_AVX2 static void any_tile(int rows, const float *const *a, ptrdiff_t runs, ptrdiff_t run_length,
                              ptrdiff_t run_stride, panel_t p, int masked, const float *bias, const float *s,
                              ptrdiff_t n, __m256 lo, __m256 hi, float *c) {
#define DFH_TILE(R) \
    if (p.vectors == 2) { \
        if (masked) tile(R, 2, 1, a, runs, run_length, run_stride, p, bias, s, n, lo, hi, c); \
        else tile(R, 2, 0, a, runs, run_length, run_stride, p, bias, s, n, lo, hi, c); \
    } else { \
        if (masked) tile(R, 1, 1, a, runs, run_length, run_stride, p, bias, s, n, lo, hi, c); \
        else tile(R, 1, 0, a, runs, run_length, run_stride, p, bias, s, n, lo, hi, c); \
    } \
    break;
    switch (rows) {
        case 1: DFH_TILE(1)
        case 2: DFH_TILE(2)
        case 3: DFH_TILE(3)
        case 4: DFH_TILE(4)
        case 5: DFH_TILE(5)
        case 6: DFH_TILE(6)
        default: break;
    }
#undef DFH_TILE
}

DFH_AVX2 DFH_INLINE void run_tile(int rows, const float *const *a, ptrdiff_t runs, ptrdiff_t run_length,
                                  ptrdiff_t run_stride, panel_t p, int masked, const float *bias, const float *s,
                                  ptrdiff_t n, __m256 lo, __m256 hi, float *c) {
    if (rows == 6 && p.vectors == 2 && !masked)
        tile(6, 2, 0, a, runs, run_length, run_stride, p, bias, s, n, lo, hi, c);
    else
        any_tile(rows, a, runs, run_length, run_stride, p, masked, bias, s, n, lo, hi, c);
}

// Weights in groups of panels, and rows in blocks, of about this many bytes each, so both stay in L2 between
// their uses (Zen 3's L2 is 512 KB a core): a layer's weights are otherwise streamed from L3 once per 6 rows.
#define DFH_AVX2_BLOCK_BYTES (160 * 1024)

// Panels a group holds for a layer with k inputs a row (at least one).
static ptrdiff_t group_panels(ptrdiff_t k) {
    ptrdiff_t group = DFH_AVX2_BLOCK_BYTES / (k * 16 * (ptrdiff_t)sizeof(float));
    return group < 1 ? 1 : group;
}

DFH_AVX2 void dfh_pointwise_panels_avx2(const float *x, ptrdiff_t rows, ptrdiff_t k, const float *packed,
                                        ptrdiff_t first_panel, ptrdiff_t end_panel, const float *bias,
                                        const float *shortcut, ptrdiff_t n, float lower, float upper, float *y) {
    __m256 lo = _mm256_set1_ps(lower), hi = _mm256_set1_ps(upper);
    ptrdiff_t group = group_panels(k);
    ptrdiff_t block = DFH_AVX2_BLOCK_BYTES / (k * (ptrdiff_t)sizeof(float)) / 6 * 6;
    if (block < 6) block = 6;
    for (ptrdiff_t first_row = 0; first_row < rows; first_row += block) {
        ptrdiff_t end_row = first_row + block < rows ? first_row + block : rows;
        for (ptrdiff_t first = first_panel; first < end_panel; first += group) {
            ptrdiff_t end = first + group < end_panel ? first + group : end_panel;
            for (ptrdiff_t row = first_row; row < end_row; row += 6) {
                int tile_rows = end_row - row < 6 ? (int)(end_row - row) : 6;
                const float *a[6];
                for (int r = 0; r < 6; r++) a[r] = x + (row + (r < tile_rows ? r : 0)) * k;
                for (ptrdiff_t p = first; p < end; p++) {
                    panel_t pp = panel(packed, k, n, p);
                    const float *s = shortcut ? shortcut + row * n + p * 16 : 0;
                    int masked = (p + 1) * 16 > n;
                    run_tile(tile_rows, a, 1, k, 0, pp, masked, bias + p * 16, s, n, lo, hi, y + row * n + p * 16);
                }
            }
        }
    }
}

DFH_AVX2 void dfh_patch_panels_avx2(const float *const *starts, ptrdiff_t pixels, ptrdiff_t runs,
                                    ptrdiff_t run_length, ptrdiff_t run_stride, const float *packed,
                                    ptrdiff_t panels, const float *bias, float lower, float upper, float *y) {
    __m256 lo = _mm256_set1_ps(lower), hi = _mm256_set1_ps(upper);
    ptrdiff_t k = runs * run_length, n = panels * 16;
    ptrdiff_t group = group_panels(k);
    for (ptrdiff_t first = 0; first < panels; first += group) {
        ptrdiff_t end = first + group < panels ? first + group : panels;
        for (ptrdiff_t q = 0; q < pixels; q += 6) {
            int count = pixels - q < 6 ? (int)(pixels - q) : 6;
            for (ptrdiff_t p = first; p < end; p++) {
                panel_t pp = panel(packed, k, n, p);
                run_tile(count, starts + q, runs, run_length, run_stride, pp, 0, bias + p * 16, 0, n, lo, hi,
                         y + q * n + p * 16);
            }
        }
    }
}
