package vecopt.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.engine.checkpoint.Checkpoints;

/**
 * A rule of one's own, {@link Signum}, used as the built-in ones are: registered, built by name,
 * trained, checkpointed and resumed bit for bit; and its scalar and vector kernels compared bit for bit,
 * as the engine's parity tests compare its own.
 */
public final class WriteYourOwnRule {

    /** The sizes the kernels are compared on: empty, shorter than a vector, around vector multiples, odd. */
    static final int[] PARITY_SIZES = {0, 1, 7, 15, 16, 17, 31, 33, 255, 256, 257, 1021, 4099};

    public static void main(String[] args) throws IOException {
        double[] losses = train(300);
        System.out.printf("Signum: loss %.4f after 1 step, %.4f after 300%n", losses[0], losses[299]);
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("vecopt-signum");
        float[][][] runs = uninterruptedAndResumed(dir, 100);
        System.out.println("resumed from a checkpoint: " + (bitsOf(runs[0]).equals(bitsOf(runs[1]))
                ? "bit for bit" : "DIFFERENT"));
        int bits = Optimizers.vectorBitSize();
        if (bits == 0) {
            System.out.println("kernels: scalar only (start java with --add-modules jdk.incubator.vector for the vector kernel)");
        } else {
            System.out.printf("kernels: vector (%d bits) and scalar differ in %d of %d cases%n",
                    bits, kernelMismatches().size(), PARITY_SIZES.length);
        }
    }

    /** Trains the {@link TinyMlp} of seed 3 with Signum for {@code steps} steps; returns the loss before each. */
    static double[] train(int steps) {
        Signum.register();                                        // once: Rules.register(Signum.RULE)
        TinyMlp model = TinyMlp.create(3);
        Optimizer signum = Optimizers.fromTorch("Signum", model.parameters(), Map.of("lr", 3e-3, "momentum", 0.9));
        double[] losses = new double[steps];
        for (int step = 0; step < steps; step++) {
            losses[step] = model.forwardBackward();
            signum.step();                                        // the vector kernel, or the scalar one
        }
        return losses;
    }

    /**
     * Trains the {@link TinyMlp} of seed 11 for {@code half} steps, saves a checkpoint into {@code dir},
     * trains {@code half} more; then puts the weights of the middle back, loads the checkpoint into a new
     * Signum and trains the second half again. Returns the weights after each second half.
     */
    static float[][][] uninterruptedAndResumed(Path dir, int half) throws IOException {
        Signum.register();
        TinyMlp model = TinyMlp.create(11);
        Signum signum = new Signum(model.parameters(), Signum.defaults().with("lr", 3e-3));
        train(model, signum, half);
        Path file = dir.resolve("signum.safetensors");
        Checkpoints.save(signum, file);                           // momentum_buffer of every parameter, step counts
        float[][] middle = StateDicts.copyOf(model.parameters());
        train(model, signum, half);
        float[][] uninterrupted = StateDicts.copyOf(model.parameters());

        StateDicts.restore(model.parameters(), middle);
        Signum resumed = new Signum(model.parameters(), Signum.defaults());
        Checkpoints.load(resumed, file);                          // checked against Signum.RULE's state layout
        train(model, resumed, half);
        return new float[][][] {uninterrupted, StateDicts.copyOf(model.parameters())};
    }

    private static void train(TinyMlp model, Signum signum, int steps) {
        for (int step = 0; step < steps; step++) {
            model.forwardBackward();
            signum.step();
        }
    }

    /**
     * Runs {@link SignumKernel} and {@link SignumVectorKernel} on the same data, at offsets inside larger
     * arrays, for three steps with clipping, weight decay and maximize, NaN, infinities and zeros among
     * the gradients; returns the sizes whose parameters or momentum differ in any bit (none, when the
     * kernels agree). Needs the Vector API ({@link Optimizers#vectorBitSize()} not 0).
     */
    static List<String> kernelMismatches() {
        SplittableRandom random = new SplittableRandom(2018);
        Signum.Coefficients[] steps = {
            new Signum.Coefficients(1f, Float.POSITIVE_INFINITY, 0f, 0.9f, (float) (1 - 0.9), -1e-2f),
            new Signum.Coefficients(-0.5f, 0.75f, 1e-2f, 0.5f, 0.5f, -3e-3f),
            new Signum.Coefficients(2f, 1e3f, 0.1f, 0f, 1f, -1f),
        };
        List<String> mismatches = new java.util.ArrayList<>();
        for (int n : PARITY_SIZES) {
            int pOff = 3;
            int gOff = 5;
            int mOff = 1;
            float[] p = values(random, pOff + n + 2, false);
            float[] m = values(random, mOff + n + 4, false);
            float[] pVector = p.clone();
            float[] mVector = m.clone();
            for (Signum.Coefficients c : steps) {
                float[] g = values(random, gOff + n + 3, true);
                SignumKernel.step(p, pOff, g, gOff, m, mOff, n, c);
                SignumVectorKernel.step(pVector, pOff, g, gOff, mVector, mOff, n, c);
            }
            if (!bitsOf(new float[][] {p, m}).equals(bitsOf(new float[][] {pVector, mVector}))) {
                mismatches.add("n = " + n);
            }
        }
        return mismatches;
    }

    /** Random floats over many magnitudes with zeros of both signs, and NaN and infinities if {@code special}. */
    private static float[] values(SplittableRandom random, int length, boolean special) {
        float[] a = new float[length];
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(20);
            a[i] = switch (special || kind > 3 ? kind : kind % 2) {
                case 0 -> 0f;
                case 1 -> -0f;
                case 2 -> Float.NaN;
                case 3 -> random.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
                default -> (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-4, 4)));
            };
        }
        return a;
    }

    /** The bits of every float, for comparisons that tell -0 from 0 (every NaN as Java's one NaN). */
    static List<String> bitsOf(float[][] arrays) {
        return Arrays.stream(arrays).map(a -> {
            int[] bits = new int[a.length];
            for (int i = 0; i < a.length; i++) {
                bits[i] = Float.floatToIntBits(a[i]);
            }
            return Arrays.toString(bits);
        }).toList();
    }
}
