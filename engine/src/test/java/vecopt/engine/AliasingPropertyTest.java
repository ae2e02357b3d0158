package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import vecopt.tensor.FloatTensor;

/**
 * Parameters that share memory (a value and a gradient over common elements, or two parameters over
 * overlapping ranges of one array) are refused when the optimizer is built and when a group is
 * added, and nothing is added; views of one array that do not overlap are accepted and step exactly
 * as the same parameters in arrays of their own.
 */
class AliasingPropertyTest {

    @Provide
    Arbitrary<String> rules() {
        return Arbitraries.of(PropertySupport.rulesSteppedWithGradients()); // LBFGS: LBFGSTest
    }

    /** {@code p} over the same memory, in a shape the rule steps (a matrix for Muon). */
    private static Parameter shaped(String torchName, Parameter p) {
        int[] shape = RuleCases.shapeFor(torchName, p.value().shape());
        return new Parameter(p.name(), p.value().reshape(shape), p.grad().reshape(shape));
    }

    /** Two ranges of at least one element each, overlapping by at least one element, inside an array of {@code length}. */
    private static int[] overlapping(SplittableRandom r, int n, int length) {
        int a = r.nextInt(length - n + 1);
        int lo = Math.max(0, a - n + 1);
        int hi = Math.min(length - n, a + n - 1);
        int b = lo + r.nextInt(hi - lo + 1);
        return new int[] {a, b};
    }

    @Property(tries = 300, seed = "20261126")
    void overlappingParametersAreRefusedAndNothingIsAdded(@ForAll("rules") String torchName, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 1 + r.nextInt(40);
        float[] shared = new float[2 * n + r.nextInt(20)];
        int[] at = overlapping(r, n, shared.length);
        int kind = r.nextInt(4);
        List<Parameter> bad = new ArrayList<>();
        String what;
        switch (kind) {
            case 0 -> { // value and gradient of one parameter overlap
                bad.add(new Parameter("a", FloatTensor.view(shared, at[0], n), FloatTensor.view(shared, at[1], n)));
                what = "value and gradient of a over [" + at[0] + ", " + (at[0] + n) + ") and [" + at[1] + ", " + (at[1] + n) + ")";
            }
            case 1 -> { // two values overlap
                bad.add(Parameter.of("a", FloatTensor.view(shared, at[0], n)));
                bad.add(Parameter.of("b", FloatTensor.view(shared, at[1], n)));
                what = "values of a and b";
            }
            case 2 -> { // a value and another parameter's gradient overlap
                bad.add(new Parameter("a", FloatTensor.view(shared, at[0], n), FloatTensor.zeros(n)));
                bad.add(new Parameter("b", FloatTensor.zeros(n), FloatTensor.view(shared, at[1], n)));
                what = "value of a and gradient of b";
            }
            default -> { // the same tensor added twice under two names
                FloatTensor t = FloatTensor.view(shared, at[0], n);
                bad.add(Parameter.of("a", t));
                bad.add(Parameter.of("b", t));
                what = "one tensor as a and b";
            }
        }
        bad.replaceAll(p -> shaped(torchName, p));
        java.util.Collections.shuffle(bad, new java.util.Random(seed));
        // at construction
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.fromTorch(torchName, bad, Map.of()), what);
        assertTrue(e.getMessage().contains("share memory"), e.getMessage());
        // when adding a group: nothing is added
        Parameter first = shaped(torchName, Parameter.of("first", FloatTensor.randomNormal(seed, 3)));
        Optimizer o = Optimizers.fromTorch(torchName, List.of(first), Map.of());
        assertThrows(IllegalArgumentException.class, () -> o.addParamGroup(bad), what);
        assertEquals(1, o.paramGroups().size(), what + ": no group added");
        for (Parameter p : bad) {
            assertThrows(IllegalArgumentException.class, () -> o.state(p.name()), p.name() + " must not be known");
        }
        // the refused parameters can still be added one at a time when they do not overlap what is there
        if (kind != 0) {
            o.addParamGroup(List.of(bad.get(0)));
            assertThrows(IllegalArgumentException.class, () -> o.addParamGroup(List.of(bad.get(1))), what + ", one by one");
            assertEquals(2, o.paramGroups().size());
        }
        // an existing parameter's own memory offered again under a new name
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> o.addParamGroup(List.of(new Parameter("again", first.grad(), FloatTensor.zeros(3)))));
        assertTrue(again.getMessage().contains("first"), again.getMessage());
    }

    @Property(tries = 150, seed = "20261126")
    void disjointViewsOfOneArrayAreAcceptedAndStepAsSeparateArrays(@ForAll("rules") String torchName, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int k = 1 + r.nextInt(4);
        int[] sizes = new int[k];
        int[] valueAt = new int[k];
        int[] gradAt = new int[k];
        int cursor = r.nextInt(3);
        for (int i = 0; i < k; i++) { // values and gradients interleaved in one array, touching or with gaps
            sizes[i] = PropertySupport.size(r) % 50;
            valueAt[i] = cursor;
            cursor += sizes[i] + (r.nextBoolean() ? 0 : r.nextInt(3));
            gradAt[i] = cursor;
            cursor += sizes[i] + (r.nextBoolean() ? 0 : r.nextInt(3));
        }
        if (k > 1 && r.nextBoolean()) { // an empty view inside another's range overlaps nothing
            sizes[k - 1] = 0;
            valueAt[k - 1] = valueAt[0];
            gradAt[k - 1] = gradAt[0];
        }
        float[] one = new float[cursor + r.nextInt(3)];
        List<Parameter> views = new ArrayList<>();
        List<Parameter> separate = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            FloatTensor start = FloatTensor.randomNormal(seed + i, Math.max(sizes[i], 0));
            FloatTensor value = FloatTensor.view(one, valueAt[i], sizes[i]);
            value.copyFrom(start);
            views.add(shaped(torchName, new Parameter("p" + i, value, FloatTensor.view(one, gradAt[i], sizes[i]))));
            separate.add(shaped(torchName, Parameter.of("p" + i, start.copy())));
        }
        Hyperparameters h = PropertySupport.validHyperparameters(Rules.get(torchName), r);
        Map<String, Object> kwargs = TrajectoryAgainstTextbook.torchKwargs(h);
        Optimizer a;
        Optimizer b;
        if (r.nextBoolean()) {
            a = Optimizers.fromTorch(torchName, views, kwargs);
            b = Optimizers.fromTorch(torchName, separate, kwargs);
        } else { // one group per parameter
            a = Optimizers.fromTorch(torchName, views.subList(0, 1), kwargs);
            b = Optimizers.fromTorch(torchName, separate.subList(0, 1), kwargs);
            for (int i = 1; i < k; i++) {
                a.addParamGroup(views.subList(i, i + 1));
                b.addParamGroup(separate.subList(i, i + 1));
            }
        }
        for (int step = 0; step < 3; step++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < sizes[i]; j++) {
                    float g = PropertySupport.gradient(r);
                    views.get(i).grad().setFlat(j, g);
                    separate.get(i).grad().setFlat(j, g);
                }
            }
            RuntimeException ea = null;
            RuntimeException eb = null;
            try {
                a.step();
            } catch (IllegalArgumentException e) {
                ea = e;
            }
            try {
                b.step();
            } catch (IllegalArgumentException e) {
                eb = e;
            }
            assertEquals(eb == null, ea == null, "both step or both refuse: " + ea + " / " + eb);
            RuleCases.Snapshot.of(a).assertSameAs(RuleCases.Snapshot.of(b), "views of one array vs separate arrays, step " + step);
            for (int i = 0; i < k; i++) {
                assertArrayEquals(separate.get(i).grad().toArray(), views.get(i).grad().toArray(), "gradient of p" + i);
            }
        }
    }
}
