// DeepSpeed's CPU Adam, compiled from the caller's DeepSpeed checkout (-I DEEPSPEED/csrc
// -I DEEPSPEED/csrc/includes -I shim) with DeepSpeed's own flags, behind a C interface for the driver.
// Nothing of DeepSpeed is copied here: the #include below reads it from the checkout.
#include "adam/cpu_adam_impl.cpp"

#include "adam_step.h"

namespace {
const int kOptimizerId = 0;
AdamHyper hyper;
}  // namespace

extern "C" const char* deepspeed_adam_flavour()
{
#if defined(__AVX512__)
    return "deepspeed-avx512";
#elif defined(__AVX256__)
    return "deepspeed-avx256";
#else
    return "deepspeed-scalar";
#endif
}

extern "C" void deepspeed_adam_create(const AdamHyper* h)
{
    hyper = *h;
    create_adam_optimizer(kOptimizerId, h->lr, h->beta1, h->beta2, h->eps, h->weight_decay, true, false);
}

// One call of the library's C++ entry point (what DeepSpeedCPUAdam.step calls per parameter group
// through pybind11), on raw float32 arrays wrapped as the shim's tensors.
extern "C" void deepspeed_adam_step(long step, float* p, float* g, float* m, float* v, long n)
{
    torch::Tensor params{p, n}, grads{g, n}, exp_avg{m, n}, exp_avg_sq{v, n};
    ds_adam_step(kOptimizerId, (size_t)step, hyper.lr, hyper.beta1, hyper.beta2, hyper.eps,
                 hyper.weight_decay, true, params, grads, exp_avg, exp_avg_sq);
}
