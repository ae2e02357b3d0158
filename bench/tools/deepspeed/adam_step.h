// The driver's view of the two Adam implementations it times.
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    float lr, beta1, beta2, eps, weight_decay;
} AdamHyper;

// DeepSpeed's CPUAdam (deepspeed_step.cpp): create once, then one call per step, step = 1, 2, ...
const char* deepspeed_adam_flavour(void);
void deepspeed_adam_create(const AdamHyper* h);
void deepspeed_adam_step(long step, float* p, float* g, float* m, float* v, long n);

// The plain C loop (c_adam.c), torch.optim.Adam's update at step `step` (bias corrections in double).
const char* c_adam_flavour(void);
void c_adam_step(long step, const AdamHyper* h, float* p, const float* g, float* m, float* v, long n);

#ifdef __cplusplus
}
#endif
