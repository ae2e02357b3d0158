// torch.optim.Adam's update (no weight decay, no amsgrad) as one plain OpenMP loop, the compiler's
// auto-vectorization doing the rest. Per element:
//   m = beta1 m + (1 - beta1) g
//   v = beta2 v + (1 - beta2) g^2
//   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// with the bias corrections computed once per step in double and the division by sqrt(1 - beta2^t)
// done as a multiplication by its reciprocal: one square root and one division per element, as in
// DeepSpeed's and vecopt's kernels.
#include <math.h>

#include "adam_step.h"

const char* c_adam_flavour(void)
{
#if defined(__AVX512F__) && defined(C_VECTOR_BITS)
    return C_VECTOR_BITS == 512 ? "c-loop-512" : C_VECTOR_BITS == 256 ? "c-loop-256" : "c-loop";
#else
    return "c-loop";
#endif
}

void c_adam_step(long step, const AdamHyper* h, float* restrict p, const float* restrict g,
                 float* restrict m, float* restrict v, long n)
{
    const float beta1 = h->beta1, beta2 = h->beta2, eps = h->eps;
    const float one_minus_beta1 = 1.0f - beta1, one_minus_beta2 = 1.0f - beta2;
    const float neg_step_size = (float)(-(double)h->lr / (1.0 - pow(beta1, (double)step)));
    const float inv_sqrt_bias2 = (float)(1.0 / sqrt(1.0 - pow(beta2, (double)step)));
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
        float gi = g[i];
        float mi = fmaf(one_minus_beta1, gi, beta1 * m[i]);
        float vi = fmaf(one_minus_beta2 * gi, gi, beta2 * v[i]);
        m[i] = mi;
        v[i] = vi;
        float denom = fmaf(sqrtf(vi), inv_sqrt_bias2, eps);
        p[i] = p[i] + neg_step_size * mi / denom;
    }
}
