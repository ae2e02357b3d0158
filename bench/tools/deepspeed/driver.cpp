// Times one Adam step over float32 arrays: DeepSpeed's CPUAdam and a plain C loop, the OpenMP thread
// count and wait policy taken from the environment (OMP_NUM_THREADS, OMP_WAIT_POLICY). Prints one
// tab-separated row per implementation and size: the median, mean and minimum ns per element over
// batches of steps after a warm-up.
//
//   driver [--sizes 4096,65536,...] [--impl deepspeed,c] [--warmup S] [--seconds S] [--offset BYTES]
//   driver --check     compare both against a float64 reference Adam and exit
#include <omp.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "adam_step.h"

namespace {

const AdamHyper kHyper = {1e-3f, 0.9f, 0.999f, 1e-8f, 0.0f};  // torch.optim.Adam's defaults

struct Arrays {
    std::vector<void*> blocks;
    float *p, *g, *m, *v;
    long n;

    // Each array allocated as PyTorch's CPU allocator does (posix_memalign, 64-byte alignment),
    // then shifted by `offset` bytes (16 reproduces a JVM float[] body's place in its cache line).
    Arrays(long n, long offset) : n(n)
    {
        float** arrays[] = {&p, &g, &m, &v};
        for (float** a : arrays) {
            void* block = nullptr;
            if (posix_memalign(&block, 64, n * sizeof(float) + offset) != 0) {
                std::fprintf(stderr, "cannot allocate %ld floats\n", n);
                std::exit(1);
            }
            blocks.push_back(block);
            *a = (float*)((char*)block + offset);
        }
        fill(0);
    }
    ~Arrays()
    {
        for (void* b : blocks) std::free(b);
    }
    Arrays(const Arrays&) = delete;
    Arrays& operator=(const Arrays&) = delete;

    // The inputs vecopt's AdamBenchmark uses (BenchData): N(0, 1) parameters; gradients and first
    // moments of magnitude 1e-3 to 1 with random signs; second moments the square of such values.
    void fill(unsigned long seed)
    {
        std::mt19937_64 random(seed);
        std::normal_distribution<double> normal;
        std::uniform_real_distribution<double> exponent(-3, 0);
        auto signed_magnitude = [&]() {
            double x = std::pow(10.0, exponent(random));
            return (float)((random() & 1) ? x : -x);
        };
        for (long i = 0; i < n; i++) {
            p[i] = (float)normal(random);
            g[i] = signed_magnitude();
            m[i] = signed_magnitude();
            float s = signed_magnitude();
            v[i] = s * s;
        }
    }
};

using Step = void (*)(long step, Arrays& a);

void deepspeed_step(long step, Arrays& a) { deepspeed_adam_step(step, a.p, a.g, a.m, a.v, a.n); }
void c_step(long step, Arrays& a) { c_adam_step(step, &kHyper, a.p, a.g, a.m, a.v, a.n); }

double now_ns()
{
    return (double)std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct Timing {
    double median, mean, min;
    long steps, batches;
};

// Warm-up for `warmup_s`, then batches of at least ~1 ms (one step when a step is longer) for
// `seconds`; statistics over the batches' ns per step, divided by the size.
Timing measure(Step step, Arrays& a, double warmup_s, double seconds)
{
    long t = 0;
    double start = now_ns();
    long warm = 0;
    while (warm < 3 || now_ns() - start < warmup_s * 1e9) {
        step(++t, a);
        warm++;
    }
    double per_step = (now_ns() - start) / warm;
    long reps = std::max(1L, (long)std::ceil(1e6 / per_step));
    std::vector<double> ns_per_step;
    long steps = 0;
    start = now_ns();
    while (ns_per_step.size() < 5 || now_ns() - start < seconds * 1e9) {
        double t0 = now_ns();
        for (long r = 0; r < reps; r++) step(++t, a);
        ns_per_step.push_back((now_ns() - t0) / reps);
        steps += reps;
    }
    for (long i = 0; i < a.n; i++) {
        if (!std::isfinite(a.p[i]) || !std::isfinite(a.m[i]) || !std::isfinite(a.v[i])) {
            std::fprintf(stderr, "non-finite value at %ld after the run\n", i);
            std::exit(1);
        }
    }
    std::vector<double> sorted = ns_per_step;
    std::sort(sorted.begin(), sorted.end());
    size_t k = sorted.size();
    double median = k % 2 ? sorted[k / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2;
    double sum = 0;
    for (double x : sorted) sum += x;
    return {median / a.n, sum / k / a.n, sorted[0] / a.n, steps, (long)k};
}

// Both implementations against a float64 Adam for a few steps, on a size with a scalar tail.
int check()
{
    const long n = 4096 + 37;
    const int steps = 5;
    Arrays ref_in(n, 0);
    std::vector<double> p(ref_in.p, ref_in.p + n), m(ref_in.m, ref_in.m + n), v(ref_in.v, ref_in.v + n);
    for (int t = 1; t <= steps; t++) {
        double bc1 = 1 - std::pow((double)kHyper.beta1, t), bc2 = 1 - std::pow((double)kHyper.beta2, t);
        for (long i = 0; i < n; i++) {
            double g = ref_in.g[i];
            m[i] = kHyper.beta1 * m[i] + (1 - (double)kHyper.beta1) * g;
            v[i] = kHyper.beta2 * v[i] + (1 - (double)kHyper.beta2) * g * g;
            p[i] -= kHyper.lr / bc1 * m[i] / (std::sqrt(v[i]) / std::sqrt(bc2) + kHyper.eps);
        }
    }
    int failures = 0;
    struct {
        const char* name;
        Step step;
    } impls[] = {{deepspeed_adam_flavour(), deepspeed_step}, {c_adam_flavour(), c_step}};
    for (auto& impl : impls) {
        Arrays a(n, 0);
        for (int t = 1; t <= steps; t++) impl.step(t, a);
        double p_err = 0, m_err = 0, v_rel = 0;
        for (long i = 0; i < n; i++) {
            p_err = std::max(p_err, std::fabs(a.p[i] - p[i]));
            m_err = std::max(m_err, std::fabs(a.m[i] - m[i]));
            v_rel = std::max(v_rel, std::fabs(a.v[i] - v[i]) / v[i]);
        }
        // Float32 roundings (DeepSpeed keeps its bias corrections in float); a missing bias correction
        // would move p by more than 1e-4 within 5 steps of lr 1e-3.
        bool ok = p_err < 1e-5 && m_err < 1e-6 && v_rel < 1e-5;
        failures += !ok;
        std::printf("check %-18s %d steps, %ld elements, against float64 Adam: max |dp| %.1e, max |dm| %.1e,"
                    " max |dv|/v %.1e: %s\n", impl.name, steps, n, p_err, m_err, v_rel, ok ? "ok" : "FAILED");
    }
    return failures ? 1 : 0;
}

std::vector<std::string> split(const std::string& s)
{
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t comma = s.find(',', start);
        if (comma == std::string::npos) comma = s.size();
        if (comma > start) out.push_back(s.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> sizes = {"4096", "65536", "1048576", "16777216"};
    std::vector<std::string> impls = {"deepspeed", "c"};
    double warmup = 0.3, seconds = 1.0;
    long offset = 0;
    bool header = true;
    for (int i = 1; i < argc; i++) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", arg.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--check") {
            deepspeed_adam_create(&kHyper);
            return check();
        } else if (arg == "--sizes") {
            sizes = split(value());
        } else if (arg == "--impl") {
            impls = split(value());
        } else if (arg == "--warmup") {
            warmup = std::atof(value().c_str());
        } else if (arg == "--seconds") {
            seconds = std::atof(value().c_str());
        } else if (arg == "--offset") {
            offset = std::atol(value().c_str());
        } else if (arg == "--no-header") {
            header = false;
        } else {
            std::fprintf(stderr, "unknown argument %s\n", arg.c_str());
            return 2;
        }
    }
    const char* policy = std::getenv("OMP_WAIT_POLICY");
    int threads = omp_get_max_threads();
    if (header) std::printf("impl\tthreads\twait_policy\toffset\tsize\tmedian_ns_per_elem\tmean_ns_per_elem\tmin_ns_per_elem\tsteps\tbatches\n");
    for (const std::string& impl : impls) {
        for (const std::string& size : sizes) {
            long n = std::atol(size.c_str());
            Arrays a(n, offset);
            Step step;
            const char* name;
            if (impl == "deepspeed") {
                deepspeed_adam_create(&kHyper);  // a fresh optimizer: its step count restarts at 1
                step = deepspeed_step;
                name = deepspeed_adam_flavour();
            } else if (impl == "c") {
                step = c_step;
                name = c_adam_flavour();
            } else {
                std::fprintf(stderr, "unknown implementation %s (deepspeed, c)\n", impl.c_str());
                return 2;
            }
            Timing t = measure(step, a, warmup, seconds);
            std::printf("%s\t%d\t%s\t%ld\t%ld\t%.4f\t%.4f\t%.4f\t%ld\t%ld\n", name, threads,
                        policy ? policy : "default", offset, n, t.median, t.mean, t.min, t.steps, t.batches);
            std::fflush(stdout);
        }
    }
    return 0;
}
