package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Runs one kernel on the scalar and the Panama implementation from identical inputs and demands
 * identical bits in every array, guards included; on the Panama kernels at every width this JVM
 * runs ({@link #panamaInUse}), so the default run also checks the rules' own widths. Each array sits at its own offset inside a larger
 * array whose other elements are guard values that no kernel may touch. At size {@link #PLACED}
 * every array starts at the same offset, so that the kernels' alignment peel runs too.
 */
final class KernelParity {

    /**
     * A size whose arrays are humongous for G1 with regions up to 8 MiB and all start at element
     * {@link #PLACED_OFFSET}, 36 bytes past a cache line: the Panama kernels then run a scalar head
     * of 7 elements before their vector loop ({@link HeapAlignment#peel}).
     */
    static final int PLACED = (1 << 20) + 37;

    /** The element offset of every array at size {@link #PLACED}. */
    static final int PLACED_OFFSET = 5;

    /** Awkward sizes around vector widths and unroll points, two random large ones, and {@link #PLACED}. */
    static Stream<Integer> sizes() {
        SplittableRandom random = new SplittableRandom(20261123);
        return Stream.concat(
                Stream.of(0, 1, 7, 15, 16, 17, 31, 33, 63, 65, 255, 256, 257, 1021, 4099, PLACED),
                IntStream.range(0, 2).mapToObj(i -> 4100 + random.nextInt(1 << 20)));
    }

    /** What an array holds before the first step. */
    enum Content {
        /** Parameters: N(0, 1). */
        PARAM,
        /** Gradients, drawn anew each step, magnitudes from 1e-6 to 1e3 with random signs, some zeros. */
        GRAD,
        /** Signed state such as a momentum buffer. */
        SIGNED,
        /** Non-negative state such as a second moment. */
        NON_NEGATIVE,
        /**
         * Gradients as {@link #GRAD}, with about one element in 40 NaN, +Infinity or -Infinity. Where
         * they are, NaNs are compared as equal whatever their payload bits (the hardware decides those).
         */
        GRAD_NON_FINITE
    }

    /** One kernel call on all arrays, each with its own offset. */
    interface Call {
        void run(OptimizerKernels kernels, float[][] arrays, int[] offsets, int n, int step);
    }

    private static final float GUARD = -7.77e7f;

    private KernelParity() {
    }

    static OptimizerKernels panamaOrSkip() {
        OptimizerKernels k = OptimizerKernelsProvider.get();
        assumeTrue(k.name().equals("panama"), "Panama kernels are not enabled in this run");
        return k;
    }

    /**
     * The Panama kernels of {@link OptimizerKernelsProvider#get()} and those at any other width a
     * built-in rule runs in this JVM ({@link OptimizerKernelsProvider#forRule}); skips the test without Panama.
     */
    static List<OptimizerKernels> panamaInUse() {
        OptimizerKernels k = panamaOrSkip();
        return Stream.concat(Stream.of(k), vecopt.engine.Rules.all().stream()
                .map(OptimizerKernelsProvider::forRule)).distinct().toList();
    }

    /** Runs {@code steps} steps on both implementations and compares every array bit for bit. */
    static void assertBitIdentical(String rule, int n, int steps, Call call, Content... contents) {
        for (OptimizerKernels panama : panamaInUse()) {
            assertBitIdentical(panama, rule, n, steps, call, contents);
        }
    }

    /** As {@link #assertBitIdentical(String, int, int, Call, Content...)}, on {@code panama} only. */
    static void assertBitIdentical(OptimizerKernels panama, String rule, int n, int steps, Call call,
                                   Content... contents) {
        String label = rule + " at " + panama.vectorBitSize() + " bits";
        SplittableRandom random = new SplittableRandom(31L * n + rule.hashCode());
        int count = contents.length;
        int[] offsets = new int[count];
        float[][] scalarArrays = new float[count][];
        for (int a = 0; a < count; a++) {
            offsets[a] = n == PLACED ? PLACED_OFFSET : random.nextInt(40);
            float[] array = new float[offsets[a] + n + 1 + random.nextInt(40)];
            Arrays.fill(array, GUARD);
            for (int i = 0; i < n; i++) {
                array[offsets[a] + i] = initial(contents[a], random);
            }
            scalarArrays[a] = array;
        }
        float[][] panamaArrays = deepCopy(scalarArrays);
        boolean anyNaN = Arrays.asList(contents).contains(Content.GRAD_NON_FINITE);
        for (int step = 1; step <= steps; step++) {
            for (int a = 0; a < count; a++) {
                if (contents[a] == Content.GRAD || contents[a] == Content.GRAD_NON_FINITE) {
                    for (int i = 0; i < n; i++) {
                        float g = contents[a] == Content.GRAD ? gradient(random) : nonFiniteGradient(random);
                        scalarArrays[a][offsets[a] + i] = g;
                        panamaArrays[a][offsets[a] + i] = g;
                    }
                }
            }
            call.run(ScalarOptimizerKernels.INSTANCE, scalarArrays, offsets, n, step);
            call.run(panama, panamaArrays, offsets, n, step);
            for (int a = 0; a < count; a++) {
                assertSameBits(label, n, step, a, offsets[a], scalarArrays[a], panamaArrays[a], anyNaN);
            }
        }
    }

    static float gradient(SplittableRandom random) {
        if (random.nextInt(10) == 0) {
            return 0f;
        }
        double magnitude = Math.pow(10, random.nextDouble(-6, 3));
        return (float) (random.nextBoolean() ? magnitude : -magnitude);
    }

    /** As {@link #gradient}, but about one in 40 is NaN, +Infinity or -Infinity. */
    static float nonFiniteGradient(SplittableRandom random) {
        return switch (random.nextInt(120)) {
            case 0 -> Float.NaN;
            case 1 -> Float.POSITIVE_INFINITY;
            case 2 -> Float.NEGATIVE_INFINITY;
            default -> gradient(random);
        };
    }

    private static float initial(Content content, SplittableRandom random) {
        return switch (content) {
            case PARAM, SIGNED -> (float) random.nextGaussian();
            case GRAD -> gradient(random);
            case GRAD_NON_FINITE -> nonFiniteGradient(random);
            case NON_NEGATIVE -> (float) Math.abs(random.nextGaussian());
        };
    }

    private static void assertSameBits(String rule, int n, int step, int a, int offset, float[] want, float[] got,
                                       boolean nanPayloadsMayDiffer) {
        for (int i = 0; i < want.length; i++) {
            boolean inRange = i >= offset && i < offset + n;
            if (!inRange && Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(GUARD)) {
                throw new AssertionError(rule + " n=" + n + " step " + step + ": array " + a
                        + " guard at " + i + " was overwritten with " + got[i]);
            }
            if (nanPayloadsMayDiffer && Float.isNaN(want[i]) && Float.isNaN(got[i])) {
                continue;
            }
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                assertEquals(want[i], got[i], rule + " n=" + n + " step " + step + ": array " + a
                        + " element " + (i - offset) + " differs (scalar " + want[i] + ", panama " + got[i] + ")");
                throw new AssertionError(rule + ": bits differ at " + (i - offset));
            }
        }
    }

    private static float[][] deepCopy(float[][] arrays) {
        List<float[]> copy = new ArrayList<>();
        for (float[] a : arrays) {
            copy.add(a.clone());
        }
        return copy.toArray(new float[0][]);
    }
}
