package vecopt.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.tensor.FloatTensor;

/**
 * Compiles a rule's step before its first step over a large group. A fresh JVM runs a kernel's first
 * calls in the interpreter and then in C1 code, where every Vector API operation builds a vector
 * object: Adam took about 1.5 microseconds per element interpreted and 0.06 to 0.4 in C1 code, against
 * 0.0006 once C2 had compiled its loop, so the first step over 16Mi elements spent 0.4 to 1 s on its
 * first million elements, waiting for C2.
 *
 * <p>Here throw-away optimizers of the same rule and hyperparameters step scratch parameters until
 * C2's code runs: a 128-element one, {@link #STEPS_PER_PROBE} steps at a time (many calls, few slow
 * elements: what gets the kernels, the norm pass and the planning compiled), and between them one
 * probe step over 4096 elements and one norm pass over {@link #NORM_PROBE_LENGTH}, both timed. The
 * warm-up ends when {@link #PROBES} probes in a row were fast, or after {@link #MAX_NANOS}. Results
 * do not depend on it: the user's parameters and state are not touched.
 *
 * <p>Once per JVM for each rule and kind of hyperparameters: the flags, choices and whole numbers, and
 * which other values are zero (momentum 0 runs another kernel than momentum 0.9; lr 0.1 and 0.01 run the
 * same). Only groups of at least {@link #MIN_ELEMENTS} elements are worth it: below that the slow
 * first calls cost less than the warm-up. {@code -Dvecopt.warmUp=false} turns it off.
 */
final class KernelWarmUp {

    /** The smallest group, in elements, whose first step is worth warming up for. */
    static final long MIN_ELEMENTS = 1 << 20;
    /** Steps of the 128-element parameter between two probes. */
    static final int STEPS_PER_PROBE = 64;
    /** Probes in a row that must all be fast. */
    static final int PROBES = 3;
    /**
     * A probe step over 4096 elements is fast at or below this many nanoseconds per element: C2's code
     * of an element-wise rule takes 1 to 3 (most of it the step's fixed costs), C1's vector code 20 and more.
     */
    static final long PROBE_NANOS_PER_ELEMENT = 10;
    /**
     * Elements of the norm pass's probe: several of its blocks, as the first step's norm pass over a
     * large gradient has (the pass is one kernel call per parameter, which a JIT that has not compiled
     * it with C2 yet runs in C1 code for the whole gradient, 4 to 6 ns per element here).
     */
    static final int NORM_PROBE_LENGTH = 4 * OptimizerKernels.SUM_OF_SQUARES_BLOCK;
    /**
     * Each of the norm probe's two passes (one call over the whole; block sums, as on several threads)
     * is fast at or below this many nanoseconds per element (C2's code: 0.2).
     */
    static final long NORM_PROBE_NANOS_PER_ELEMENT = 1;
    /** The longest warm-up: a rule whose probe is never that fast (a matrix product per step) stops here. */
    static final long MAX_NANOS = 1_000_000_000;

    private static final boolean ENABLED = !"false".equals(System.getProperty("vecopt.warmUp", "true").trim());
    private static final Set<List<Object>> DONE = ConcurrentHashMap.newKeySet();

    private KernelWarmUp() {
    }

    /**
     * Warms {@code rule} with hyperparameters like {@code h} if {@code elements} is large enough and
     * that was not done in this JVM (or is being done: the throw-away optimizers' own constructors
     * come back here and return at once). Throws no exception (a rule that cannot step the scratch
     * parameters stays cold); an {@link Error} of the JVM passes through.
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
        kind.add(rule); // the descriptor itself: two registered rules never share a warm-up
        for (Hyperparameter d : h.definitions()) {
            double v = h.get(d);
            boolean exact = d.isFlag() || d.isChoice() || d.isWhole()
                    || d.acceptsNone() && Double.compare(v, d.noneValue()) == 0;
            kind.add(exact ? v : v == 0 ? 0.0 : 1.0);
        }
        return kind;
    }

    private static void run(Rule rule, Hyperparameters h, long start) {
        Parameter small = scratch(rule, 8, 16);
        Parameter probe = scratch(rule, 64, 64);
        if (small == null || probe == null) {
            return;
        }
        Optimizer stepper = rule.create(List.of(small), h);
        Optimizer prober = rule.create(List.of(probe), h);
        OptimizerKernels kernels = stepper.kernels();
        float[] gradients = new float[NORM_PROBE_LENGTH];
        Arrays.fill(gradients, 1e-3f);
        double[] blockSums = new double[NORM_PROBE_LENGTH / OptimizerKernels.SUM_OF_SQUARES_BLOCK];
        long fastStep = PROBE_NANOS_PER_ELEMENT * probe.size();
        int fastInARow = 0;
        double sink = 0;
        while (true) {
            for (int i = 0; i < STEPS_PER_PROBE; i++) {
                stepper.step();
            }
            long t0 = System.nanoTime();
            prober.step();
            long t1 = System.nanoTime();
            sink += kernels.sumOfSquares(gradients, 0, gradients.length);
            kernels.blockSumsOfSquares(gradients, 0, gradients.length, blockSums, 0); // the pass on several threads
            sink += blockSums[0];
            long t2 = System.nanoTime();
            boolean fast = t1 - t0 <= fastStep && t2 - t1 <= 2 * NORM_PROBE_NANOS_PER_ELEMENT * gradients.length;
            fastInARow = fast ? fastInARow + 1 : 0;
            if (fastInARow == PROBES || t2 - start > MAX_NANOS) {
                if (!(sink >= 0)) { // never: keeps the sums from being optimized away
                    throw new IllegalStateException("sum of squares " + sink);
                }
                return;
            }
        }
    }

    /** A {@code rows x cols} parameter (a vector if the rule steps no matrices) with finite, varied values; or null. */
    private static Parameter scratch(Rule rule, int rows, int cols) {
        for (int[] shape : new int[][] {{rows, cols}, {rows * cols}}) {
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
