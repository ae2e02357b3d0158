package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.tensor.FloatTensor;

/**
 * The scalar and the Panama kernels give the same bits for random sequences of steps, hyperparameter
 * changes and clipping, on awkward sizes at random offsets: parameters, every state buffer, scalars
 * and step counts. Runs at every vector width surefire configures; skipped where the provider is scalar.
 */
@AddLifecycleHook(KernelParityPropertyTest.PanamaOnly.class)
class KernelParityPropertyTest {

    /** Skips the class unless the provider picked Panama. */
    static final class PanamaOnly implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            return OptimizerKernelsProvider.get().name().equals("panama")
                    ? SkipResult.doNotSkip() : SkipResult.skip("Panama kernels are not enabled in this run");
        }
    }

    @Provide
    Arbitrary<String> rules() {
        return Arbitraries.of(PropertySupport.rulesSteppedWithGradients()); // LBFGS: LBFGSTest
    }

    @Property(tries = 120, seed = "20261126")
    void scalarAndPanamaKernelsGiveIdenticalBits(@ForAll("rules") String torchName, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Rule rule = Rules.get(torchName);
        OptimizerKernels panama = OptimizerKernelsProvider.get();
        int k = 1 + r.nextInt(3);
        List<Parameter> ps = new ArrayList<>();
        List<Parameter> qs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            int n = r.nextInt(4) == 0 ? 256 + r.nextInt(1200) : PropertySupport.size(r);
            int offset = r.nextInt(17);
            float[] pv = new float[offset + n + 3];
            float[] pg = new float[offset + n + 3];
            float[] qv = new float[pv.length];
            float[] qg = new float[pg.length];
            for (int j = 0; j < n; j++) {
                pv[offset + j] = qv[offset + j] = (float) r.nextGaussian();
            }
            int[] shape = RuleCases.shapeFor(torchName, r.nextBoolean() ? new int[] {n} : PropertySupport.shape(n, r));
            ps.add(new Parameter("p" + i, FloatTensor.view(pv, offset, n).reshape(shape),
                    FloatTensor.view(pg, offset, n).reshape(shape)));
            qs.add(new Parameter("p" + i, FloatTensor.view(qv, offset, n).reshape(shape),
                    FloatTensor.view(qg, offset, n).reshape(shape)));
        }
        Hyperparameters h = PropertySupport.validHyperparameters(rule, r);
        Map<String, Object> kwargs = TrajectoryAgainstTextbook.torchKwargs(h);
        Optimizer scalar = RuleCases.create(torchName, kwargs, ps, OptimizerKernelsProvider.scalar());
        Optimizer vector = RuleCases.create(torchName, kwargs, qs, panama);
        NonFinitePolicy policy = NonFinitePolicy.values()[r.nextInt(3)];
        scalar.setNonFinitePolicy(policy);
        vector.setNonFinitePolicy(policy);
        int calls = 1 + r.nextInt(12);
        for (int call = 0; call < calls; call++) {
            String what = torchName + " " + h + " call " + call;
            switch (r.nextInt(6)) {
                case 0 -> { // change a hyperparameter of a group on both
                    int gi = r.nextInt(scalar.paramGroups().size());
                    List<Hyperparameter> defs = rule.defaults().definitions();
                    Hyperparameter d = defs.get(r.nextInt(defs.size()));
                    double v = PropertySupport.validValue(d, r);
                    assertEquals(outcome(() -> scalar.paramGroups().get(gi).set(d, v)),
                            outcome(() -> vector.paramGroups().get(gi).set(d, v)), what + " set " + d);
                }
                case 1 -> {
                    GradientClipping c = switch (r.nextInt(3)) {
                        case 0 -> GradientClipping.none();
                        case 1 -> GradientClipping.byNorm(Math.pow(10, r.nextDouble(-3, 3)));
                        default -> GradientClipping.byValue(Math.pow(10, r.nextDouble(-3, 3)));
                    };
                    scalar.setGradientClipping(c);
                    vector.setGradientClipping(c);
                }
                default -> {
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < ps.get(i).size(); j++) {
                            float g = r.nextInt(200) == 0 ? Float.NaN : PropertySupport.gradient(r);
                            ps.get(i).grad().setFlat(j, g);
                            qs.get(i).grad().setFlat(j, g);
                        }
                    }
                    assertEquals(outcome(scalar::step), outcome(vector::step), what + " step");
                }
            }
            RuleCases.Snapshot.of(scalar).assertSameAs(RuleCases.Snapshot.of(vector), what + ": scalar vs panama");
            assertEquals(scalar.skippedSteps(), vector.skippedSteps(), what + ": skippedSteps");
            for (int i = 0; i < k; i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(ps.get(i).value().array(), qs.get(i).value().array(),
                        what + ": backing array of p" + i + " (guards included)");
            }
        }
    }

    /** The exception class a call threw, or "ok". */
    private static String outcome(Runnable call) {
        try {
            call.run();
            return "ok";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }
}
