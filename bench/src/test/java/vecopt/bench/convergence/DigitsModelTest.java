package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;

class DigitsModelTest {

    private static Digits.Split data;

    @BeforeAll
    static void load() {
        data = Digits.load().split();
    }

    /**
     * Backward pass against central differences of the loss (h = 2e-3), on six random coordinates of
     * every parameter: within 0.1% + 1e-5.
     */
    @Test
    void gradientsMatchFiniteDifferencesForSoftmaxRegressionAndTheMlp() {
        for (DigitsModel model : List.of(DigitsModel.softmaxRegression(3), DigitsModel.mlp(8, 3))) {
            FMatrixRMaj x = new FMatrixRMaj(1, 64);
            int[] labels = new int[6];
            data.train().gather(new int[] {0, 1, 2, 3, 4, 5}, 0, 6, x, labels);
            model.lossAndGradient(x, labels);
            // Every analytic gradient first: each difference quotient below runs the backward pass again.
            List<float[]> grads = model.parameters().stream().map(p -> p.grad().array().clone()).toList();
            SplittableRandom random = new SplittableRandom(11);
            for (int q = 0; q < grads.size(); q++) {
                Parameter p = model.parameters().get(q);
                float[] grad = grads.get(q);
                for (int k = 0; k < 6; k++) {
                    int i = random.nextInt(p.size());
                    float[] v = p.value().array();
                    float saved = v[i];
                    float h = 2e-3f;
                    v[i] = saved + h;
                    double up = model.lossAndGradient(x, labels);
                    v[i] = saved - h;
                    double down = model.lossAndGradient(x, labels);
                    v[i] = saved;
                    double numeric = (up - down) / (2 * h);
                    assertEquals(numeric, grad[i], 1e-3 * Math.abs(numeric) + 1e-5,
                            model.name() + " " + p.name() + "[" + i + "]");
                }
            }
        }
    }

    /**
     * The vecopt parameters, the EJML matrices of the forward pass and the gradient matrices of the
     * backward pass share their float arrays, before and after training.
     */
    @Test
    void parametersAreViewsOfTheArraysEjmlComputesWithNoCopies() {
        DigitsModel model = DigitsModel.mlp(16, 1);
        List<Parameter> ps = model.parameters();
        List<FMatrixRMaj> ws = model.matrices();
        List<FMatrixRMaj> gs = model.gradientMatrices();
        List<float[]> before = new ArrayList<>();
        for (int i = 0; i < ps.size(); i++) {
            assertSame(ws.get(i).data, ps.get(i).value().array(), ps.get(i).name());
            assertSame(gs.get(i).data, ps.get(i).grad().array(), ps.get(i).name());
            assertEquals(0, ps.get(i).value().offset());
            before.add(ws.get(i).data.clone());
        }
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), ps.stream().map(Parameter::name).toList());
        assertEquals(64 * 16 + 16 + 16 * 10 + 10, model.parameterCount());
        OptimizerSetup adam = OptimizerTable.get("Adam");
        Optimizer optimizer = adam.build(ps, 1e-3);
        Trainer.train(model, optimizer, data, Trainer.Schedule.miniBatch(100, 1, 7));
        for (int i = 0; i < ps.size(); i++) {
            assertSame(ws.get(i).data, ps.get(i).value().array(), "still shared after training: " + ps.get(i).name());
            assertSame(gs.get(i).data, ps.get(i).grad().array(), "still shared after training: " + ps.get(i).name());
            assertTrue(!java.util.Arrays.equals(before.get(i), ws.get(i).data), "the optimizer moved " + ps.get(i).name());
        }
    }

    /** The target: Adam reaches at least 95% test accuracy on the digits with the MLP. */
    @Test
    void adamTrainsTheMlpToAtLeast95PercentTestAccuracy() {
        DigitsModel model = DigitsModel.mlp(64, 1);
        OptimizerSetup adam = OptimizerTable.get("Adam");
        Trainer.Curves c = Trainer.train(model, adam.build(model.parameters(), adam.lr().mlp()), data,
                Trainer.Schedule.miniBatch(32, 30, 7));
        assertTrue(c.finalTest().accuracy() >= 0.95, "test accuracy " + c.finalTest().accuracy());
        assertTrue(c.train().get(0).loss() > 2.0 && c.finalTrain().loss() < 0.15,
                "training loss " + c.train().get(0).loss() + " -> " + c.finalTrain().loss());
        assertEquals(30 * 45, c.steps());
        assertEquals(31, c.train().size());
    }

    /** Every optimizer of the table trains softmax regression to at least 93% in 15 epochs (Rprop 88%). */
    @Test
    void everyOptimizerTrainsSoftmaxRegressionToAtLeast93Percent() {
        List<String> failures = new ArrayList<>();
        for (OptimizerSetup o : OptimizerTable.all()) {
            DigitsModel model = DigitsModel.softmaxRegression(1);
            Trainer.Curves c = Trainer.train(model, o.buildAll(model.parameters(), o.lr().softmax()), data,
                    Trainer.Schedule.miniBatch(32, 15, 7));
            if (!(c.finalTest().accuracy() >= minimumAccuracy(o)) || !(c.finalTrain().loss() < c.train().get(0).loss())) {
                failures.add(o.label() + ": accuracy " + c.finalTest().accuracy() + ", loss " + c.finalTrain().loss());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /**
     * 93%, except for Rprop, a full-batch method: its step sizes follow the agreement of successive
     * gradient signs, which mini-batches of 32 break at random; it reaches 80 to 91% here for every
     * lr from 1e-5 to 0.1, step-size cap from 1e-3 to 50 and etas tried.
     */
    private static double minimumAccuracy(OptimizerSetup o) {
        return o.torchName().equals("Rprop") ? 0.88 : 0.93;
    }

    @Test
    void eachScheduleTakesTheStepsItShould() {
        int n = 1437;
        for (Trainer.Schedule s : List.of(Trainer.Schedule.fullBatch(3, 7), Trainer.Schedule.singleExample(1, 7),
                Trainer.Schedule.curriculum(32, 2, 7))) {
            DigitsModel model = DigitsModel.softmaxRegression(1);
            Trainer.Curves c = Trainer.train(model, OptimizerTable.get("SGD").build(model.parameters(), 0.1), data, s);
            long expected = switch (s.name()) {
                case "full-batch" -> 3;
                case "single example" -> n;
                // epoch 0: the easiest ceil(0.25 n) = 360 in 12 batches; epoch 1: all, 45 batches.
                default -> 12 + 45;
            };
            assertEquals(expected, c.steps(), s.name());
            assertTrue(c.finalTrain().loss() < c.train().get(0).loss(), s.name());
        }
    }
}
