package vecopt.bench.convergence;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nine optimizers of the Fashion-MNIST experiments, each with a small learning-rate grid per
 * model; the suite trains every grid point and keeps the one with the lowest validation loss. Other
 * hyperparameters are PyTorch's defaults (AdamW keeps its decoupled weight_decay 0.01 on top of the
 * experiments' L2 penalty, which every optimizer sees). The grids began as three rates a factor of
 * about three apart, set by hand: centred on the PyTorch default where it suits (Adadelta 1.0, NAdam
 * 2e-3), and for SGD with Nesterov momentum 0.9 and Adagrad around the usual rates for MNIST-sized
 * problems, the MLP's a step lower than logistic regression's for the adaptive methods. Every grid
 * whose pick sat at an edge in the reduced run (MLP 784-256-256-10 on 10,000 images) got one more
 * rate beyond that edge; Adadelta's MLP grid, whose pick sat at the top in vecopt and at the bottom in
 * PyTorch, one at each end. After the full run (55,000 images, one-epoch grids) every grid whose pick
 * still sat at an edge got one more rate there, and the MLP grids of RMSprop and RAdam lost their
 * lowest rate, whose validation loss was the worst of the grid by a wide margin (0.60 and 0.63 against
 * 0.44-0.49). A chosen rate at the edge of its grid (printed in the summary's grid table) says the
 * grid should move.
 */
public final class FashionTable {

    private FashionTable() {
    }

    /**
     * One optimizer: its {@link OptimizerSetup} (the digits columns unused) and its grids.
     */
    public record Row(OptimizerSetup setup, double[] logisticGrid, double[] mlpGrid) {

        public String label() {
            return setup.label();
        }

        public double[] grid(boolean mlp) {
            return (mlp ? mlpGrid : logisticGrid).clone();
        }
    }

    public static List<Row> all() {
        return ROWS;
    }

    public static Row get(String label) {
        return ROWS.stream().filter(r -> r.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Fashion-MNIST optimizer labelled " + label));
    }

    private static final double[] ADAM_LOGISTIC = {3e-4, 1e-3, 3e-3, 1e-2, 3e-2};
    private static final double[] ADAM_MLP = {1e-4, 3e-4, 1e-3, 3e-3};

    private static final List<Row> ROWS = List.of(
            row("SGD+Nesterov", "SGD", kwargs("momentum", 0.9, "nesterov", true), new double[] {0.01, 0.03, 0.1, 0.3},
                    new double[] {0.01, 0.03, 0.1, 0.3}),
            row("Adagrad", "Adagrad", kwargs(), new double[] {0.01, 0.03, 0.1, 0.3}, new double[] {1e-3, 3e-3, 0.01, 0.03}),
            row("RMSprop", "RMSprop", kwargs(), new double[] {1e-4, 3e-4, 1e-3, 3e-3, 1e-2},
                    new double[] {1e-4, 3e-4, 1e-3, 3e-3}),
            row("Adadelta", "Adadelta", kwargs(), new double[] {0.3, 1.0, 3.0}, new double[] {0.1, 0.3, 1.0, 3.0, 10.0}),
            row("Adam", "Adam", kwargs(), ADAM_LOGISTIC, ADAM_MLP),
            row("AdamW", "AdamW", kwargs("weight_decay", 0.01), ADAM_LOGISTIC, ADAM_MLP),
            row("NAdam", "NAdam", kwargs(), new double[] {6e-4, 2e-3, 6e-3, 2e-2}, new double[] {2e-4, 6e-4, 2e-3}),
            row("RAdam", "RAdam", kwargs(), ADAM_LOGISTIC, new double[] {3e-4, 1e-3, 3e-3, 1e-2}),
            row("AMSGrad", "Adam", kwargs("amsgrad", true), ADAM_LOGISTIC, ADAM_MLP));

    private static Map<String, Object> kwargs(Object... nameValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put((String) nameValue[i], nameValue[i + 1]);
        }
        return m;
    }

    private static Row row(String label, String torchName, Map<String, Object> kwargs, double[] logistic, double[] mlp) {
        OptimizerSetup.LearningRates unused = new OptimizerSetup.LearningRates(Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        return new Row(new OptimizerSetup(label, torchName, kwargs, unused), logistic, mlp);
    }
}
