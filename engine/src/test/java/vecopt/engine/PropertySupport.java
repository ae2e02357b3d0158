package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import vecopt.tensor.FloatTensor;

/**
 * Generators and checks shared by the property tests: valid and invalid hyperparameter values read
 * from each definition's range, awkward sizes and shapes, parameters as views inside larger arrays
 * with guard values around them, and full snapshots of an optimizer.
 */
final class PropertySupport {

    private PropertySupport() {
    }

    /**
     * Every rule in the registry that steps from the gradients it is given (RuleCoverageTest fails for one
     * without a float64 textbook reference); rules that step only with a closure (LBFGS) have their own tests.
     */
    static List<String> rulesWithTextbook() {
        return rulesSteppedWithGradients();
    }

    /** Every registered rule whose {@code step()} takes the gradients as they are: all but LBFGS. */
    static List<String> rulesSteppedWithGradients() {
        return Rules.all().stream().filter(r -> !r.needsClosure()).map(Rule::torchName).toList();
    }

    /** The accepted interval of a numeric hyperparameter, read from its definition. */
    record Range(double min, boolean minInclusive, double max, boolean maxInclusive) {

        boolean bounded() {
            return max != Double.MAX_VALUE;
        }

        boolean contains(double v) {
            return (minInclusive ? v >= min : v > min) && (maxInclusive ? v <= max : v < max);
        }
    }

    /** The definition's range; {@link Hyperparameter} keeps it private, so it is read reflectively. */
    static Range range(Hyperparameter d) {
        return new Range(field(d, "min", Double.class), field(d, "minInclusive", Boolean.class),
                field(d, "max", Double.class), field(d, "maxInclusive", Boolean.class));
    }

    private static <T> T field(Object o, String name, Class<T> type) {
        try {
            Field f = o.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return type.cast(f.get(o));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot read " + name + " of " + o, e);
        }
    }

    /** Whether the engine must accept {@code v} for {@code d} on its own (combinations aside). */
    static boolean isValid(Hyperparameter d, double v) {
        if (d.isFlag()) {
            return v == 0 || v == 1;
        }
        if (d.acceptsNone() && v == d.noneValue()) {
            return true;
        }
        return Double.isFinite(v) && Float.isFinite((float) v) && range(d).contains(v) && (!d.isWhole() || v == Math.rint(v));
    }

    /**
     * A valid value of {@code d}: mostly moderate, often at an edge of the range (the minimum, just
     * inside it, near 1 for betas, 0 for eps and decay, huge for unbounded ones up to Float.MAX_VALUE).
     */
    static double validValue(Hyperparameter d, SplittableRandom r) {
        if (d.isFlag()) {
            return r.nextBoolean() ? 1 : 0;
        }
        Range g = range(d);
        if (d.isWhole()) { // whole numbers and choices: any value in the range, mostly small ones
            int lo = (int) Math.ceil(g.min() + (g.minInclusive() ? 0 : 1));
            int hi = (int) Math.floor(g.max() - (g.maxInclusive() ? 0 : 1));
            return r.nextInt(4) == 0 ? d.defaultValue() : lo + r.nextInt(Math.min(hi - lo, 12) + 1);
        }
        if (g.min() == -Double.MAX_VALUE) { // bounded above only (Adafactor's beta2_decay <= 0)
            double v = switch (r.nextInt(5)) {
                case 0 -> d.defaultValue();
                case 1 -> g.max();
                default -> g.max() - Math.pow(10, r.nextDouble(-4, 1));
            };
            return isValid(d, v) ? v : d.defaultValue();
        }
        double width = g.bounded() ? g.max() - g.min() : 1;
        double v = switch (r.nextInt(12)) {
            case 0 -> d.defaultValue();
            case 1 -> g.minInclusive() ? g.min() : g.min() + 1e-30;
            case 2 -> g.min() + Math.pow(10, r.nextDouble(-12, -3)) * width;
            case 3 -> g.bounded()
                    ? (g.maxInclusive() && r.nextBoolean() ? g.max() : g.max() - Math.pow(10, r.nextDouble(-7, -2)) * width)
                    : switch (r.nextInt(4)) {
                        case 0 -> Float.MAX_VALUE;
                        case 1 -> Math.pow(10, r.nextDouble(10, 38));
                        default -> Math.pow(10, r.nextDouble(1, 6));
                    };
            default -> g.bounded()
                    ? g.min() + r.nextDouble() * width
                    : (d.defaultValue() > 0 ? d.defaultValue() * Math.pow(10, r.nextDouble(-2, 1))
                            : Math.pow(10, r.nextDouble(-4, 0)));
        };
        if (d.isWhole()) {
            v = Math.rint(v);
        }
        return isValid(d, v) ? v : d.defaultValue();
    }

    /** Random valid hyperparameters of {@code rule} (drawn again when the combination is refused). */
    static Hyperparameters validHyperparameters(Rule rule, SplittableRandom r) {
        for (int attempt = 0; attempt < 20; attempt++) {
            Map<String, Double> changes = new LinkedHashMap<>();
            for (Hyperparameter d : rule.defaults().definitions()) {
                if (r.nextInt(3) != 0) {
                    changes.put(d.name(), validValue(d, r));
                }
            }
            try {
                return rule.defaults().withValues(changes);
            } catch (IllegalArgumentException combinationRefused) {
                // e.g. nesterov without momentum: draw again
            }
        }
        return rule.defaults();
    }

    /**
     * An invalid value of {@code d}: NaN, infinities, finite doubles beyond float32, values below the
     * minimum or above the maximum (or at an excluded end), flags other than 0 and 1.
     */
    static double invalidValue(Hyperparameter d, SplittableRandom r) {
        List<Double> candidates = new ArrayList<>(List.of(Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 1e39, -1e39, 1e300, -Double.MAX_VALUE, (double) Float.MAX_VALUE * 1.0001));
        if (d.isFlag()) {
            candidates.addAll(List.of(0.5, -1.0, 2.0, 1e-300, -0.5, 1.0000001, Math.pow(10, r.nextDouble(-5, 5))));
        } else {
            Range g = range(d);
            candidates.add(g.min() - Math.pow(10, r.nextDouble(-8, 3)));
            candidates.add(Math.nextDown(g.min()));
            if (d.isWhole()) {
                candidates.add(g.min() + 0.5);
            }
            if (!g.minInclusive()) {
                candidates.add(g.min());
            }
            if (g.bounded()) {
                candidates.add(g.max() + Math.pow(10, r.nextDouble(-8, 3)));
                candidates.add(Math.nextUp(g.max()));
                if (!g.maxInclusive()) {
                    candidates.add(g.max());
                }
            }
        }
        for (int attempt = 0; attempt < 50; attempt++) {
            double v = candidates.get(r.nextInt(candidates.size()));
            if (!isValid(d, v)) {
                return v;
            }
        }
        throw new AssertionError("no invalid value found for " + d);
    }

    /** Awkward sizes: 0, 1, around vector widths, and random ones. */
    static int size(SplittableRandom r) {
        int[] awkward = {0, 1, 1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65};
        return r.nextInt(4) == 0 ? r.nextInt(300) : awkward[r.nextInt(awkward.length)];
    }

    /** A shape of {@code n} elements: a vector, a matrix, or for n = 0 also [0, k] and [k, 0]. */
    static int[] shape(int n, SplittableRandom r) {
        if (n == 0) {
            return switch (r.nextInt(3)) {
                case 0 -> new int[] {0};
                case 1 -> new int[] {0, 1 + r.nextInt(5)};
                default -> new int[] {1 + r.nextInt(5), 0};
            };
        }
        List<Integer> divisors = new ArrayList<>();
        for (int a = 1; a <= n; a++) {
            if (n % a == 0) {
                divisors.add(a);
            }
        }
        int a = divisors.get(r.nextInt(divisors.size()));
        return r.nextBoolean() ? new int[] {n} : new int[] {a, n / a};
    }

    /** A gradient element: magnitudes from 1e-6 to 1e3, random signs, one in ten 0. */
    static float gradient(SplittableRandom r) {
        return TrajectoryAgainstTextbook.gradient(r);
    }

    /**
     * Backing arrays of parameters and gradients. Everything outside the views handed out holds a
     * guard value that no call may change.
     */
    static final class Memory {

        static final float GUARD = -7.77e7f;

        private final List<float[]> arrays = new ArrayList<>();
        private final List<boolean[]> owned = new ArrayList<>();
        /** The shapes the rule under test steps (Muon's matrices); every shape unless set. */
        java.util.function.Predicate<int[]> accepts = s -> true;

        float[] allocate(int length) {
            float[] a = new float[length];
            java.util.Arrays.fill(a, GUARD);
            arrays.add(a);
            owned.add(new boolean[length]);
            return a;
        }

        private FloatTensor view(float[] a, int offset, int[] shape, int n) {
            boolean[] mask = owned.get(indexOf(a));
            for (int i = offset; i < offset + n; i++) {
                mask[i] = true;
            }
            return FloatTensor.view(a, offset, n).reshape(shape);
        }

        private int indexOf(float[] a) {
            for (int i = 0; i < arrays.size(); i++) {
                if (arrays.get(i) == a) {
                    return i;
                }
            }
            throw new AssertionError("not allocated here");
        }

        /**
         * Parameters of the given names and sizes laid out at random offsets with gaps in one slab of
         * values and one of gradients, or values and gradients interleaved in one slab.
         */
        List<Parameter> parameters(List<String> names, SplittableRandom r) {
            int k = names.size();
            int[] sizes = new int[k];
            int[][] shapes = new int[k][];
            for (int i = 0; i < k; i++) {
                sizes[i] = size(r);
                shapes[i] = shape(sizes[i], r);
                while (!accepts.test(shapes[i])) { // a matrix comes up one time in two
                    shapes[i] = shape(sizes[i], r);
                }
            }
            boolean oneSlab = r.nextInt(3) == 0;
            int[] valueAt = new int[k];
            int[] gradAt = new int[k];
            int cursor = r.nextInt(9);
            for (int i = 0; i < k; i++) {
                valueAt[i] = cursor;
                cursor += sizes[i] + r.nextInt(6);
                if (oneSlab) {
                    gradAt[i] = cursor;
                    cursor += sizes[i] + r.nextInt(6);
                }
            }
            int valueLength = cursor + r.nextInt(9);
            float[] values = allocate(valueLength);
            float[] grads = values;
            if (!oneSlab) {
                cursor = r.nextInt(9);
                for (int i = 0; i < k; i++) {
                    gradAt[i] = cursor;
                    cursor += sizes[i] + r.nextInt(6);
                }
                grads = allocate(cursor + r.nextInt(9));
            }
            List<Parameter> ps = new ArrayList<>();
            double scale = Math.pow(10, r.nextDouble(-2, 2));
            for (int i = 0; i < k; i++) {
                FloatTensor value = view(values, valueAt[i], shapes[i], sizes[i]);
                FloatTensor grad = view(grads, gradAt[i], shapes[i], sizes[i]);
                for (int j = 0; j < sizes[i]; j++) {
                    value.setFlat(j, r.nextInt(10) == 0 ? 0f : (float) (scale * r.nextGaussian()));
                }
                grad.fill(0f);
                ps.add(new Parameter(names.get(i), value, grad));
            }
            return ps;
        }

        /** Asserts that every element outside the views still holds the guard value. */
        void assertGuardsIntact(String where) {
            for (int a = 0; a < arrays.size(); a++) {
                float[] array = arrays.get(a);
                boolean[] mask = owned.get(a);
                for (int i = 0; i < array.length; i++) {
                    if (!mask[i] && Float.floatToRawIntBits(array[i]) != Float.floatToRawIntBits(GUARD)) {
                        throw new AssertionError(where + ": guard element " + i + " of a backing array of length "
                                + array.length + " was overwritten with " + array[i]);
                    }
                }
            }
        }
    }

    /** Everything about an optimizer a call may change, to compare bit for bit. */
    record FullSnapshot(RuleCases.Snapshot state, List<Hyperparameters> hyperparameters, List<List<String>> groups,
                        long skippedSteps, GradientClipping clipping, NonFinitePolicy policy, Map<String, float[]> grads) {

        static FullSnapshot of(Optimizer o) {
            List<Hyperparameters> hs = new ArrayList<>();
            List<List<String>> groups = new ArrayList<>();
            Map<String, float[]> grads = new LinkedHashMap<>();
            for (ParamGroup g : o.paramGroups()) {
                hs.add(g.hyperparameters());
                groups.add(g.parameters().stream().map(Parameter::name).toList());
                for (Parameter p : g.parameters()) {
                    grads.put(p.name(), p.grad().toArray());
                }
            }
            return new FullSnapshot(RuleCases.Snapshot.of(o), hs, groups, o.skippedSteps(), o.gradientClipping(),
                    o.nonFinitePolicy(), grads);
        }

        void assertSameAs(FullSnapshot other, String what) {
            state.assertSameAs(other.state, what);
            assertEquals(hyperparameters, other.hyperparameters, what + ": hyperparameters");
            assertEquals(groups, other.groups, what + ": groups");
            assertEquals(skippedSteps, other.skippedSteps, what + ": skippedSteps");
            assertEquals(clipping, other.clipping, what + ": gradient clipping");
            assertEquals(policy, other.policy, what + ": non-finite policy");
            assertEquals(grads.keySet(), other.grads.keySet(), what + ": gradients");
            grads.forEach((k, v) -> org.junit.jupiter.api.Assertions.assertArrayEquals(v, other.grads.get(k),
                    what + ": gradient of " + k));
        }
    }
}
