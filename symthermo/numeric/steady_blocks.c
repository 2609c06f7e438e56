/* symthermo: compiled batched steady states (loaded by symthermo/numeric/steady_c.py).
 *
 * Same formulation as the numpy/LAPACK route of symthermo/numeric/steady.py: for each point of a
 * batch of generators L (float view Lf of the complex (n, n) matrix, lstride doubles per point)
 * and each block of the real Hermitian parametrisation (m unknowns):
 *
 *   A[r][c] = s1[r][c] * Lf[idx1[r][c]] + s2[r][c] * Lf[idx2[r][c]]          (row-major)
 *
 * In the trace block, row trace_row becomes  w * sum_p x_p = w  over the block's populations p,
 * w = max_p |A[p][p]| (scale-matched). Gaussian elimination with partial pivoting (as LAPACK's
 * dgesv; an exactly zero pivot means singular) solves, in one sweep over the augmented matrix
 * [A | b | r]:  A x = b  (trace block only; b = w e_trace_row)  and  A y = r  (a fixed probe
 * vector r, when do_probe). The condition estimate of the block is ||A||_F ||y||_2 / ||r||_2;
 * the point's estimate is the largest over its blocks, +inf for a singular block or a
 * non-finite result. rho (float view, nrho = 2 d^2 doubles per point) is gathered from the
 * unknowns: rho_f[q] = rsign[q] * x[rsrc[q]]; all NaN when the trace block is singular.
 * A point whose L has a non-finite entry anywhere gets the estimate +inf.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPONENT_BITS UINT64_C(0x7ff0000000000000)

#ifndef PREFETCH_AHEAD
#define PREFETCH_AHEAD 2
#endif

/* Gaussian elimination with partial pivoting on the m x w augmented matrix W (row-major,
 * w > m: the right-hand sides in columns m..w-1), then back substitution, which leaves the
 * solutions in those columns. Returns 1 on a pivot that is zero (or NaN) to working precision,
 * |pivot| <= PIVOT_EPS * m * max|A_rc|, else 0: a singular matrix seldom gives an exactly zero
 * pivot after rounding, and the eliminated order of operations differs from LAPACK's. */
#define PIVOT_EPS (16.0 * 2.220446049250313e-16)
static int solve_augmented(double *restrict W, int m, int w)
{
    double amax = 0.0;
    for (int r = 0; r < m; ++r)
        for (int c = 0; c < m; ++c) {
            double v = fabs(W[r * w + c]);
            amax = v > amax ? v : amax;
        }
    const double tiny = PIVOT_EPS * (double)m * amax;
    for (int k = 0; k < m; ++k) {
        int p = k;
        double best = fabs(W[k * w + k]);
        for (int i = k + 1; i < m; ++i) {
            double v = fabs(W[i * w + k]);
            if (v > best) {
                best = v;
                p = i;
            }
        }
        if (!(best > tiny) || !(best > 0.0))
            return 1;
        double *restrict rk = W + k * w;
        if (p != k) {
            double *restrict rp = W + p * w;
            for (int j = k; j < w; ++j) {
                double t = rk[j];
                rk[j] = rp[j];
                rp[j] = t;
            }
        }
        double inv = 1.0 / rk[k];
        for (int i = k + 1; i < m; ++i) {
            double *restrict ri = W + i * w;
            double f = ri[k] * inv;
            if (f != 0.0)
                for (int j = k + 1; j < w; ++j)
                    ri[j] -= f * rk[j];
        }
    }
    for (int k = m - 1; k >= 0; --k) {
        double *restrict rk = W + k * w;
        double inv = 1.0 / rk[k];
        for (int c = m; c < w; ++c) {
            double s = rk[c];
            for (int j = k + 1; j < m; ++j)
                s -= rk[j] * W[j * w + c];
            rk[c] = s * inv;
        }
    }
    return 0;
}

/* Solve points [0, npoints) of the batch. Per block k (sizes bsize[k]):
 *   toff[k]: offset of its m*m entries in idx1/s1/idx2/s2;
 *   uoff[k]: offset of its m entries in is_pop/unknown/probe;
 *   trace_row[k]: block-local row replaced by the trace condition, or -1 (no solution
 *     needed: the block is solved only for its probe, when do_probe);
 *   is_pop: 1 for a population unknown; unknown: its index in the point's nunknowns unknowns;
 *   probe: the probe vector r, probe_norm[k] = ||r||_2.
 * Returns 0, or -1 when the work space cannot be allocated. */
int symthermo_steady_blocks(
    int64_t npoints, const double *Lf, int64_t lstride,
    int32_t nblocks, const int32_t *bsize, const int64_t *toff,
    const int64_t *idx1, const double *s1, const int64_t *idx2, const double *s2,
    const int32_t *trace_row, const int64_t *uoff, const int32_t *is_pop,
    const int32_t *unknown, const double *probe, const double *probe_norm, int32_t do_probe,
    int32_t nunknowns, int32_t nrho, const int32_t *rsrc, const double *rsign,
    double *rho, double *cond)
{
    int mmax = 1;
    for (int k = 0; k < nblocks; ++k)
        if (bsize[k] > mmax)
            mmax = bsize[k];
    double *W = malloc(sizeof(double) * ((size_t)mmax * (size_t)(mmax + 2) + (size_t)nunknowns));
    if (W == NULL)
        return -1;
    double *x = W + (size_t)mmax * (size_t)(mmax + 2);

    for (int64_t b = 0; b < npoints; ++b) {
        const double *restrict L = Lf + b * lstride;
        double worst = 0.0;
#ifndef NO_PREFETCH
        if (b + PREFETCH_AHEAD < npoints) { /* L is read out of order: fetch ahead */
            const char *next = (const char *)(L + PREFETCH_AHEAD * lstride);
            for (int64_t q = 0; q < lstride * 8; q += 64)
                __builtin_prefetch(next + q, 0, 0);
        }
#endif
        int failed = 0;
        /* a NaN or inf anywhere in L (even in entries the real system does not read) flags
         * the point: all exponent bits set <=> not finite (integer max: vectorises) */
        uint64_t top = 0;
        for (int64_t q = 0; q < lstride; ++q) {
            uint64_t u;
            memcpy(&u, L + q, sizeof u);
            u &= EXPONENT_BITS;
            top = u > top ? u : top;
        }
        if (top == EXPONENT_BITS)
            worst = INFINITY;
        for (int i = 0; i < nunknowns; ++i)
            x[i] = 0.0;
        for (int k = 0; k < nblocks; ++k) {
            const int m = bsize[k];
            const int tr = trace_row[k];
            if (tr < 0 && !do_probe)
                continue;
            const int nb = (tr >= 0);
            const int w = m + nb + (do_probe != 0);
            const int64_t *restrict i1 = idx1 + toff[k];
            const int64_t *restrict i2 = idx2 + toff[k];
            const double *restrict f1 = s1 + toff[k];
            const double *restrict f2 = s2 + toff[k];
            const int32_t *restrict pop = is_pop + uoff[k];
            for (int r = 0; r < m; ++r) {
                double *restrict row = W + r * w;
                for (int c = 0; c < m; ++c) {
                    const int t = r * m + c;
                    row[c] = f1[t] * L[i1[t]] + f2[t] * L[i2[t]];
                }
                if (nb)
                    row[m] = 0.0;
                if (do_probe)
                    row[m + nb] = probe[uoff[k] + r];
            }
            if (nb) {
                double scale = 0.0;
                for (int p = 0; p < m; ++p)
                    if (pop[p] && fabs(W[p * w + p]) > scale)
                        scale = fabs(W[p * w + p]);
                if (scale == 0.0)
                    scale = 1.0;
                double *row = W + tr * w;
                for (int c = 0; c < m; ++c)
                    row[c] = pop[c] ? scale : 0.0;
                row[m] = scale;
            }
            double norm_f = 0.0;
            if (do_probe)
                for (int r = 0; r < m; ++r)
                    for (int c = 0; c < m; ++c)
                        norm_f += W[r * w + c] * W[r * w + c];
            if (solve_augmented(W, m, w)) {
                worst = INFINITY;
                failed |= nb;
                continue;
            }
            if (nb) {
                const int32_t *restrict u = unknown + uoff[k];
                double s = 0.0;
                for (int r = 0; r < m; ++r) {
                    x[u[r]] = W[r * w + m];
                    s += W[r * w + m];
                }
                if (!isfinite(s))
                    worst = INFINITY;
            }
            if (do_probe) {
                double y2 = 0.0;
                for (int r = 0; r < m; ++r)
                    y2 += W[r * w + m + nb] * W[r * w + m + nb];
                double c = sqrt(norm_f) * sqrt(y2) / probe_norm[k];
                if (!(c <= INFINITY))
                    c = INFINITY;
                if (c > worst)
                    worst = c;
            }
        }
        double *restrict out = rho + b * (int64_t)nrho;
        if (failed)
            for (int q = 0; q < nrho; ++q)
                out[q] = NAN;
        else
            for (int q = 0; q < nrho; ++q)
                out[q] = rsign[q] * x[rsrc[q]];
        cond[b] = worst;
    }
    free(W);
    return 0;
}

/* mags[j] = max(mags[j], max_b |Lf[b][j]|) over the batch; poison[j] becomes NaN when some
 * entry j is infinite or NaN (x * 0 is 0 for finite x only). */
void symthermo_entry_magnitudes(int64_t npoints, const double *Lf, int64_t lstride,
                                int64_t len, double *mags, double *poison)
{
    for (int64_t b = 0; b < npoints; ++b) {
        const double *restrict L = Lf + b * lstride;
        for (int64_t j = 0; j < len; ++j) {
            double v = fabs(L[j]);
            mags[j] = v > mags[j] ? v : mags[j];
            poison[j] += L[j] * 0.0;
        }
    }
}
