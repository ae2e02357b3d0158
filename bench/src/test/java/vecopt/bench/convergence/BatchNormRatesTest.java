package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

class BatchNormRatesTest {

    private static EpochTrainer.Curves curves(String label, double lr, double[] validationLoss, String stop) {
        double[] acc = new double[validationLoss.length];
        java.util.Arrays.fill(acc, 0.875);
        return new EpochTrainer.Curves(label, lr, validationLoss.clone(), validationLoss, acc, validationLoss.clone(), acc,
                0, 0, validationLoss.length, stop, new float[0][]);
    }

    /** Without batch norm the top rate diverges in epoch 2; with it every rate finishes. */
    private static BatchNormRates.Sweep sweep() {
        List<EpochTrainer.Curves> plain = new ArrayList<>();
        List<EpochTrainer.Curves> bn = new ArrayList<>();
        for (double lr : BatchNormRates.RATES) {
            boolean diverges = lr == BatchNormRates.RATES[BatchNormRates.RATES.length - 1];
            plain.add(curves("no batch norm", lr, diverges ? new double[] {2.5} : new double[] {0.6, 0.5},
                    diverges ? "cost not finite in epoch 2" : ""));
            bn.add(curves("batch norm", lr, new double[] {0.55, 0.45}, ""));
        }
        return new BatchNormRates.Sweep(2, plain, bn);
    }

    @Test
    void aRunThatStoppedOrEndedWithANonFiniteLossCountsAsDiverged() {
        assertFalse(BatchNormRates.finished(curves("x", 1, new double[] {0.5}, "cost not finite in epoch 2")));
        assertFalse(BatchNormRates.finished(curves("x", 1, new double[] {0.5, Double.NaN}, "")));
        assertTrue(BatchNormRates.finished(curves("x", 1, new double[] {0.5, 0.4}, "")));
    }

    @Test
    void theTableSaysWhereARunDivergedAndGivesTheOthersLossAndAccuracy() {
        String table = BatchNormRates.table(sweep(), 10_000);
        assertTrue(table.contains("10,000 training images, 2 epochs"), table);
        assertTrue(table.contains("| 3 | diverged (cost not finite in epoch 2) | - | 0.4500 | 87.50% |"), table);
        assertTrue(table.contains("| 0.03 | 0.5000 | 87.50% | 0.4500 | 87.50% |"), table);
        assertEquals(2 + BatchNormRates.RATES.length, table.lines().filter(l -> l.startsWith("|")).count(), table);
    }

    @Test
    void theChartLeavesOutDivergedRunsAndKeepsOneLinePerModel() {
        XYChart chart = BatchNormRates.chart(sweep());
        assertEquals(2, chart.getSeriesMap().size());
        assertEquals(BatchNormRates.RATES.length - 1, chart.getSeriesMap().get("no batch norm").getXData().length);
        assertEquals(BatchNormRates.RATES.length, chart.getSeriesMap().get("batch norm").getXData().length);
    }
}
