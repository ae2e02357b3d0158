package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vecopt.engine.reference.Cs231nMomentum;
import vecopt.engine.reference.Cs231nNesterov;
import vecopt.engine.reference.TextbookOptimizer;
import vecopt.tensor.FloatTensor;

/**
 * SGD against the float64 textbook rule, and the seeds' CS231n momentum and Nesterov forms shown
 * equivalent to the engine's PyTorch form (their velocity is {@code -lr} times PyTorch's buffer).
 */
class SgdReferenceTest {

    @Test
    void sgdFollowsTheTextbookRuleForEveryOptionSet() {
        Hyperparameters base = Sgd.defaults().with("lr", 0.01);
        List<Hyperparameters> sets = List.of(
                base,
                base.with("momentum", 0.9),
                base.with("momentum", 0.9).with("dampening", 0.3),
                base.with("momentum", 0.9).with("nesterov", true),
                base.with("weight_decay", 0.05).with("maximize", true),
                base.with("momentum", 0.5).with("nesterov", true).with("weight_decay", 1e-3).with("maximize", true));
        long seed = 1;
        for (Hyperparameters h : sets) {
            boolean momentum = h.get("momentum") != 0;
            TrajectoryAgainstTextbook.assertFollowsTextbook("SGD", h, Sgd::new, 37, 25, seed++,
                    momentum ? new String[] {"momentum_buffer"} : new String[0]);
        }
    }

    @Test
    void cs231nMomentumIsTorchMomentumWithLrInsideTheVelocity() {
        assertEquivalent(new Cs231nMomentum(0.05, 0.9), Sgd.defaults().with("lr", 0.05).with("momentum", 0.9));
    }

    @Test
    void cs231nNesterovFormIsTorchNesterov() {
        assertEquivalent(new Cs231nNesterov(0.05, 0.9),
                Sgd.defaults().with("lr", 0.05).with("momentum", 0.9).with("nesterov", true));
    }

    private static void assertEquivalent(TextbookOptimizer seedForm, Hyperparameters h) {
        int n = 41;
        SplittableRandom random = new SplittableRandom(7);
        FloatTensor value = FloatTensor.randomNormal(3, n);
        FloatTensor grad = FloatTensor.zeros(n);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = value.getFlat(i);
        }
        Sgd sgd = new Sgd(List.of(new Parameter("w", value, grad)), h);
        double lr = h.get("lr");
        double[] g = new double[n];
        for (int step = 1; step <= 30; step++) {
            for (int i = 0; i < n; i++) {
                float gi = (float) random.nextGaussian();
                grad.setFlat(i, gi);
                g[i] = gi;
            }
            sgd.step();
            seedForm.step(x, g);
            double[] v = seedForm.state("v");
            float[] buffer = sgd.state("w").buffer("momentum_buffer");
            for (int i = 0; i < n; i++) {
                assertEquals(x[i], value.getFlat(i), 1e-5 * (1 + Math.abs(x[i])), "x at step " + step);
                assertEquals(v[i], -lr * buffer[i], 1e-5 * (1 + Math.abs(v[i])), "v = -lr * buffer at step " + step);
            }
        }
    }
}
