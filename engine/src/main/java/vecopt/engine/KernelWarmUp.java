package vecopt.engine;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import vecopt.tensor.FloatTensor;

/**
 * Compiles a rule's step before its first step over a large parameter. A fresh JVM runs a kernel's
 * first calls in the interpreter and then in C1 code, where every Vector API operation builds a
 * vector object: Adam took about 1.5 microseconds per element interpreted and 0.1 to 0.4 in C1 code,
 * against 0.0006 once C2 had compiled its loop, so the first step over 16Mi elements spent 0.4 to 1 s
 * on its first million elements. Here a throw-away optimizer of the same rule and hyperparameters
 * steps a 128-element parameter a few thousand times, which gets the kernels, the norm pass and the
 * planning code compiled by C2 for the price of a few hundred thousand slow elements; it stops once
 * the JIT has compiled nothing for {@link #IDLE_NANOS}, or after {@link #MAX_NANOS}.
 *
 * <p>Once per JVM for each rule and kind of hyperparameters: the flags, choices and whole numbers, and
 * which other values are zero (momentum 0 runs another kernel than momentum 0.9; lr 0.1 and 0.01 run the
 * same). Only groups of at least {@link #MIN_ELEMENTS} elements are worth it: below that the slow
 * first calls cost less than the warm-up. {@code -Dvecopt.warmUp=false} turns it off.
 */
final class KernelWarmUp {

    /** The smallest group, in elements, whose first step is worth warming up for. */
    static final long MIN_ELEMENTS = 1 << 20;
    /** Steps taken at least: enough for C2 to be asked to compile the kernels (about 900 calls). */
    static final int MIN_STEPS = 2_500;
    /** How long the JIT must have compiled nothing before the warm-up ends. */
    static final long IDLE_NANOS = 20_000_000;
    /** The longest warm-up. */
    static final long MAX_NANOS = 1_000_000_000;

    private static final boolean ENABLED = !"false".equals(System.getProperty("vecopt.warmUp", "true").trim());
    private static final Set<List<Object>> DONE = ConcurrentHashMap.newKeySet();

    private KernelWarmUp() {
    }

    /**
     * Warms {@code rule} with hyperparameters like {@code h} if {@code elements} is large enough and
     * that was not done in this JVM (or is being done: the throw-away optimizer's own constructor
     * comes back here and returns at once). Never throws: a rule that cannot step the scratch
     * parameter stays cold.
     *
     * @return how long it took, in nanoseconds; 0 if nothing was done
     */
    static long ensureWarm(Rule rule, Hyperparameters h, long elements) {
        if (!ENABLED || elements < MIN_ELEMENTS || rule.needsClosure() || !DONE.add(kind(rule, h))) {
            return 0;
        }
        long start = System.nanoTime();
        try {
            run(rule, h, start);
        } catch (RuntimeException e) {
            // a shape or hyperparameter the scratch step rejects: the rule compiles in the first step instead
        }
        return Math.max(1, System.nanoTime() - start);
    }

    /** The rule and what in {@code h} can choose another kernel. */
    static List<Object> kind(Rule rule, Hyperparameters h) {
        List<Object> kind = new ArrayList<>();
        kind.add(rule.torchName());
        for (Hyperparameter d : h.definitions()) {
            double v = h.get(d);
            boolean exact = d.isFlag() || d.isChoice() || d.isWhole() || d.acceptsNone() && Double.compare(v, d.noneValue()) == 0;
            kind.add(exact ? v : v == 0 ? 0.0 : 1.0);
        }
        return kind;
    }

    private static void run(Rule rule, Hyperparameters h, long start) {
        Parameter p = scratch(rule);
        if (p == null) {
            return;
        }
        Optimizer scratch = rule.create(List.of(p), h);
        CompilationMXBean jit = jit();
        long lastCompileMillis = jit == null ? 0 : jit.getTotalCompilationTime();
        long lastChange = System.nanoTime();
        for (int step = 1; ; step++) {
            scratch.step();
            if ((step & 63) != 0) {
                continue;
            }
            long now = System.nanoTime();
            if (now - start > MAX_NANOS || jit == null && step >= MIN_STEPS) {
                return;
            }
            long compileMillis = jit == null ? 0 : jit.getTotalCompilationTime();
            if (compileMillis != lastCompileMillis) {
                lastCompileMillis = compileMillis;
                lastChange = now;
            } else if (step >= MIN_STEPS && now - lastChange > IDLE_NANOS) {
                return;
            }
        }
    }

    /** The JIT's bean if it counts compilation time, else null (no such bean, or no management module). */
    private static CompilationMXBean jit() {
        try {
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit : null;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** A small matrix parameter (a vector if the rule steps no matrices) with finite, varied values. */
    private static Parameter scratch(Rule rule) {
        for (int[] shape : new int[][] {{8, 16}, {128}}) {
            if (rule.accepts(shape)) {
                Parameter p = new Parameter("warm-up", FloatTensor.zeros(shape), FloatTensor.zeros(shape));
                float[] w = p.value().array();
                float[] g = p.grad().array();
                for (int i = 0; i < w.length; i++) {
                    w[i] = ((i % 11) - 5) * 0.01f;
                    g[i] = ((i % 7) - 3) * 0.001f;
                }
                return p;
            }
        }
        return null;
    }
}
