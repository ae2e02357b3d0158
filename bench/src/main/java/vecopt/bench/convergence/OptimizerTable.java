package vecopt.bench.convergence;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecopt.bench.convergence.OptimizerSetup.LearningRates;

/**
 * Every optimizer the suite compares, with the learning rate it uses on each problem: the one table
 * to read or edit. Other hyperparameters are PyTorch's defaults unless a row names them. Every
 * registered rule has at least one row (a test fails naming a rule without one); the charts colour
 * the rows in this order.
 *
 * <p>How the rates were chosen: for plain SGD, a rate below the largest stable one, 2 / lambda_max
 * (the ravine's lambda_max is 25, so 0.07 < 0.08, where SGD zigzags; Rosenbrock's is about 1,000
 * near its valley, so 1e-3); with momentum 0.9, smaller rates, since the velocity multiplies the step
 * by up to 10; for the adaptive methods, whose step is about {@code lr} in parameter units, a rate of
 * the order of the distance to cover divided by a few hundred steps, and smaller where the first
 * un-adapted steps would overshoot (RAdam's first 5 steps are SGD with momentum, hence 2e-3 on
 * Rosenbrock). Adadelta keeps PyTorch's lr 1.0 except on the ravine, where it circles the minimum at
 * a distance of about 0.07 with lr 1.0 and converges with 0.1. The saddle column is 0.01 for every
 * method that has no other default, so their escape speeds compare at one rate. The digits columns
 * are for mini-batches of 32. One rate per problem, not tuned per start point. Rprop's rate is only
 * its initial step size; its steps are capped at 0.01 (PyTorch's cap is 50), without which mini-batch
 * noise on the digits grows the step sizes until the loss rises (Rprop is a full-batch method).
 * The schedule-free rows are measured where they return their answer, at the average x (the suite
 * switches them to eval mode to record a point or evaluate the model, and back); x lags y, the point
 * where their gradients are taken, so they need larger rates than their base optimizers, as the
 * authors advise: SGDScheduleFree has 0.1 on the saddle (at 0.01 its x escapes 3.4 times slower than
 * plain SGD; at 0.1, in 118 steps) and its package default 1.0 on the digits; AdamWScheduleFree has
 * 0.01 on the digits (10 times AdamW's MLP rate).
 *
 * LAMB's and LARS's steps are about {@code lr} times the parameter's norm (LARS's times its
 * trust_coefficient, 1e-3, hence rates near 1), except where that norm is 0: Rosenbrock's start (0, 0)
 * then takes a plain step of {@code lr} times the gradient, which keeps LARS there at 0.01.
 *
 * Adafactor's lr caps its relative step: a step moves a tensor by about {@code lr} times its own
 * root mean square (at least {@code eps2 = 1e-3}), so from Rosenbrock's start at the origin and from
 * the softmax model's small initial weights it needs 0.03 to cover the distance in time. Muon steps
 * matrices only: it does not run on the test functions (their parameter is one vector of two; the
 * tables say "n/a") and on the digits it steps the weight matrices while AdamW steps the biases.
 */
public final class OptimizerTable {

    private OptimizerTable() {
    }

    /** The rows, in the order of charts and tables. */
    public static List<OptimizerSetup> all() {
        return ROWS;
    }

    /** The row labelled {@code label}. */
    public static OptimizerSetup get(String label) {
        return ROWS.stream().filter(r -> r.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no optimizer labelled " + label));
    }

    /** The learning rate of a problem a row does not run: Muon steps matrices, the test functions have one vector. */
    private static final double NOT_RUN = Double.NaN;

    /** Muon's biases go to AdamW, as PyTorch's Muon documentation prescribes, at AdamW's lr for the MLP. */
    private static final OptimizerSetup.Others MUON_OTHERS = new OptimizerSetup.Others("AdamW",
            kwargs("lr", 1e-3, "weight_decay", 0.01));

    private static final List<OptimizerSetup> ROWS = List.of(
            //                                                                 saddle ravine rosenbrock beale two-minima softmax mlp
            row("SGD", "SGD", kwargs(),                                         0.01, 0.07,  1e-3,      0.01, 0.02,      0.5,    0.1),
            row("SGD+momentum", "SGD", kwargs("momentum", 0.9),                 0.01, 0.01,  2e-4,      1e-3, 0.01,      0.1,    0.05),
            row("SGD+Nesterov", "SGD", kwargs("momentum", 0.9, "nesterov", true), 0.01, 0.01, 2e-4,     1e-3, 0.01,      0.1,    0.05),
            row("Adagrad", "Adagrad", kwargs(),                                 0.01, 0.5,   0.1,       0.1,  0.2,       0.1,    0.05),
            row("RMSprop", "RMSprop", kwargs(),                                 0.01, 0.01,  1e-3,      0.01, 0.01,      0.01,   1e-3),
            row("Adadelta", "Adadelta", kwargs(),                               1.0,  0.1,   1.0,       1.0,  1.0,       1.0,    1.0),
            row("Adam", "Adam", kwargs(),                                       0.01, 0.05,  0.01,      0.01, 0.05,      0.01,   1e-3),
            row("AdamW", "AdamW", kwargs("weight_decay", 0.01),                 0.01, 0.05,  0.01,      0.01, 0.05,      0.01,   1e-3),
            row("Adamax", "Adamax", kwargs(),                                   0.01, 0.05,  0.01,      0.01, 0.05,      0.02,   2e-3),
            row("NAdam", "NAdam", kwargs(),                                     0.01, 0.05,  0.01,      0.01, 0.05,      0.01,   2e-3),
            row("RAdam", "RAdam", kwargs(),                                     0.01, 0.05,  2e-3,      0.01, 0.05,      0.01,   1e-3),
            row("Lion", "Lion", kwargs(),                                       0.01, 0.01,  1e-3,      0.01, 0.01,      3e-3,   3e-4),
            row("AdaBelief", "AdaBelief", kwargs(),                             0.01, 0.05,  0.01,      0.01, 0.05,      0.01,   1e-3),
            row("Yogi", "Yogi", kwargs(),                                       0.01, 0.05,  0.01,      0.01, 0.05,      0.01,   1e-3),
            row("ADOPT", "ADOPT", kwargs(),                                     0.01, 0.05,  0.01,      0.01, 0.05,      0.01,   1e-3),
            row("AdEMAMix", "AdEMAMix", kwargs(),                               0.01, 0.05,  0.01,      0.01, 0.05,      0.01,   1e-3),
            row("SGDScheduleFree", "SGDScheduleFree", kwargs(),                 0.1,  0.07,  3e-3,      0.03, 0.02,      1.0,    1.0),
            row("AdamWScheduleFree", "AdamWScheduleFree", kwargs(),             0.01, 0.05,  0.03,      0.01, 0.05,      0.01,   0.01),
            row("LAMB", "LAMB", kwargs(),                                       0.01, 0.05,  0.01,      0.01, 0.01,      0.01,   3e-3),
            row("LARS", "LARS", kwargs(),                                       10,   1.0,   0.01,      1.0,  1.0,       3.0,    3.0),
            row("Adafactor", "Adafactor", kwargs(),                             0.01, 0.05,  0.03,      0.01, 0.05,      0.03,   0.01),
            row("Muon", "Muon", kwargs(), MUON_OTHERS,                          NOT_RUN, NOT_RUN, NOT_RUN, NOT_RUN, NOT_RUN, 0.02, 0.02),
            row("Rprop", "Rprop", kwargs("step_sizes", List.of(1e-6, 0.01)),   0.01, 0.01,  1e-3,      0.01, 0.01,      0.01,   0.01),
            row("ASGD", "ASGD", kwargs(),                                       0.02, 0.07,  1e-3,      0.01, 0.02,      0.5,    0.1));

    /** Name, value, name, value, ... in the order given, which is the order {@link OptimizerSetup#describe} prints. */
    private static Map<String, Object> kwargs(Object... nameValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put((String) nameValue[i], nameValue[i + 1]);
        }
        return m;
    }

    private static OptimizerSetup row(String label, String torchName, Map<String, Object> kwargs,
                                      double saddle, double ravine, double rosenbrock, double beale,
                                      double twoMinima, double softmax, double mlp) {
        return row(label, torchName, kwargs, null, saddle, ravine, rosenbrock, beale, twoMinima, softmax, mlp);
    }

    private static OptimizerSetup row(String label, String torchName, Map<String, Object> kwargs,
                                      OptimizerSetup.Others others, double saddle, double ravine, double rosenbrock,
                                      double beale, double twoMinima, double softmax, double mlp) {
        return new OptimizerSetup(label, torchName, kwargs,
                new LearningRates(saddle, ravine, rosenbrock, beale, twoMinima, softmax, mlp), others);
    }
}
