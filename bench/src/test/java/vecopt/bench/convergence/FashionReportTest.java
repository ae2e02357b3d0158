package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FashionReportTest {

    private static EpochTrainer.Curves vecopt(String label, double... testAccuracy) {
        double[] loss = new double[testAccuracy.length];
        java.util.Arrays.fill(loss, 0.3);
        return new EpochTrainer.Curves(label, 1e-3, loss, loss, testAccuracy, loss, testAccuracy, 0, 0,
                testAccuracy.length, "", new float[0][]);
    }

    private static FashionProtocol.TorchCurves torch(String label, double... testAccuracy) {
        double[] loss = new double[testAccuracy.length];
        java.util.Arrays.fill(loss, 0.3);
        return new FashionProtocol.TorchCurves(label, 1e-3, loss, loss, testAccuracy);
    }

    /**
     * The last epoch puts Adam ahead in vecopt and AdamW ahead in PyTorch, while over the last five
     * epochs AdamW leads on both sides: the first ranking differs, the second agrees.
     */
    @Test
    void aWiggleInTheLastEpochChangesTheFirstRankingButNotTheMeanOfTheLastFive() {
        FashionSuite.Experiment e = new FashionSuite.Experiment("mlp", "MLP", true, List.of(), List.of(
                vecopt("Adam", 0.880, 0.881, 0.882, 0.880, 0.895),
                vecopt("AdamW", 0.890, 0.891, 0.892, 0.890, 0.889)));
        Map<String, FashionProtocol.TorchCurves> t = Map.of(
                "Adam", torch("Adam", 0.880, 0.881, 0.882, 0.880, 0.885),
                "AdamW", torch("AdamW", 0.890, 0.891, 0.892, 0.890, 0.889));
        String table = FashionReport.table(e, t);
        assertTrue(table.contains("Largest difference 1.00 pp (target 0.5); same ranking: no."), table);
        assertTrue(table.contains("Ranked by the mean test accuracy of the last 5 epochs: vecopt AdamW, Adam; "
                + "PyTorch AdamW, Adam; same: yes."), table);
    }

    @Test
    void theTailMeanAveragesTheLastFiveOrAllWhenFewer() {
        assertEquals(3.0, FashionReport.tailMean(new double[] {100, 1, 2, 3, 4, 5}), 1e-12);
        assertEquals(1.5, FashionReport.tailMean(new double[] {1, 2}), 1e-12);
        assertTrue(Double.isNaN(FashionReport.tailMean(new double[0])));
    }
}
