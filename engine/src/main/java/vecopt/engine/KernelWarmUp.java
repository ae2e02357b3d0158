package vecopt.engine;

import java.lang.management.ManagementFactory;
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
 * C2's code runs: a 135-element one, {@link #STEPS_PER_PROBE} steps at a time (many calls, few slow
 * elements: what gets the kernels, the norm pass and the planning compiled), and between them one
 * probe step over 4095 elements and one norm pass over {@link #NORM_PROBE_LENGTH}, both timed. A
 * probe is fast when it took little time and, where the JVM counts a thread's allocation, allocated
 * less than {@link #PROBE_BYTES_PER_ELEMENT} per element: C1's vector code boxes vectors, C2's does
 * not, so that is the surer sign for light rules, whose C1 code is fast. The warm-up ends when
 * {@link #PROBES} probes in a row were fast, or after {@link #MAX_NANOS}. Results do not depend on
 * it: the user's parameters and state are not touched.
 *
 * <p>Once per JVM for each rule and kind of hyperparameters: the flags, choices and whole numbers, and
 * which other values are zero (momentum 0 runs another kernel than momentum 0.9; lr 0.1 and 0.01 run the
 * same). Only groups of at least {@link #MIN_ELEMENTS} elements are worth it: below that the slow
 * first calls cost less than the warm-up. {@code -Dvecopt.warmUp=false} turns it off.
 */
final class KernelWarmUp {

    /** The smallest group, in elements, whose first step is worth warming up for. */
    static final long MIN_ELEMENTS = 1 << 20;
    /** The shape of the parameter stepped between probes: 135 elements, which no vector width divides. */
    static final int[] SMALL_SHAPE = {9, 15};
    /** The shape of the probe's parameter: 4095 elements, which no vector width divides. */
    static final int[] PROBE_SHAPE = {63, 65};
    /** Steps of the 135-element parameter between two probes. */
    static final int STEPS_PER_PROBE = 64;
    /** Probes in a row that must all be fast. */
    static final int PROBES = 3;
    /**
     * A probe step over 4095 elements is fast at or below this many nanoseconds per element: C2's code
     * of an element-wise rule takes 1 to 3 (most of it the step's fixed costs), C1's vector code 20 and more.
     */
    static final long PROBE_NANOS_PER_ELEMENT = 10;
    /**
     * A probe step or norm pass ran C2's code only if it allocated less than this many bytes per
     * element: the step's own objects are a few hundred bytes in all, and C1's vector code allocates a
     * box of 16 + 4 * lanes bytes for a vector operation, tens of bytes per element.
     */
    static final long PROBE_BYTES_PER_ELEMENT = 1;
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
    /** The JVM's per-thread allocation counter, or null where it keeps none. */
    private static final com.sun.management.ThreadMXBean ALLOCATION = allocationCounter();

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
        // Of sizes no vector width divides, so that the kernels' vector loops and their scalar tails both
        // run here: C2 compiles a branch never taken as a trap, and a user's first step that took one
        // ran in C1's vector code until C2 recompiled (SGD momentum over 16Mi: 37 ms instead of 9).
        Parameter small = scratch(rule, SMALL_SHAPE[0], SMALL_SHAPE[1]);
        Parameter probe = scratch(rule, PROBE_SHAPE[0], PROBE_SHAPE[1]);
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
            long b0 = allocated();
            long t0 = System.nanoTime();
            prober.step();
            long t1 = System.nanoTime();
            long b1 = allocated();
            sink += kernels.sumOfSquares(gradients, 0, gradients.length);
            kernels.blockSumsOfSquares(gradients, 0, gradients.length, blockSums, 0); // the pass on several threads
            sink += blockSums[0];
            long t2 = System.nanoTime();
            long b2 = allocated();
            boolean fast = t1 - t0 <= fastStep && t2 - t1 <= 2 * NORM_PROBE_NANOS_PER_ELEMENT * gradients.length
                    && b1 - b0 < PROBE_BYTES_PER_ELEMENT * probe.size()
                    && b2 - b1 < PROBE_BYTES_PER_ELEMENT * gradients.length;
            fastInARow = fast ? fastInARow + 1 : 0;
            if (fastInARow == PROBES || t2 - start > MAX_NANOS) {
                if (!(sink >= 0)) { // never: keeps the sums from being optimized away
                    throw new IllegalStateException("sum of squares " + sink);
                }
                return;
            }
        }
    }

    /** Bytes this thread has allocated so far, or 0 where that is not counted (then time alone decides). */
    private static long allocated() {
        return ALLOCATION == null ? 0 : ALLOCATION.getCurrentThreadAllocatedBytes();
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        try {
            if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean counter
                    && counter.isThreadAllocatedMemorySupported() && counter.isThreadAllocatedMemoryEnabled()) {
                return counter;
            }
        } catch (RuntimeException | LinkageError e) {
            // no management module: time alone decides
        }
        return null;
    }

    /**
     * A {@code rows x cols} parameter (a vector if the rule steps no matrices) with finite, varied
     * values; or null.
     */
    static Parameter scratch(Rule rule, int rows, int cols) {
        for (int[] shape : new int[][] {{rows, cols}, {rows * cols}}) {
            if (rule.accepts(shape)) {
                int size = rows * cols;
                float[] w = new float[size];
                float[] g = new float[size];
                for (int i = 0; i < size; i++) {
                    w[i] = ((i % 11) - 5) * 0.01f;
                    g[i] = ((i % 7) - 3) * 0.001f;
                }
                return new Parameter("warm-up", FloatTensor.view(w, 0, size).reshape(shape),
                        FloatTensor.view(g, 0, size).reshape(shape));
            }
        }
        return null;
    }
}
