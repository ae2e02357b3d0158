package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FashionProtocolTest {

    /**
     * The committed PyTorch fixture belongs to the full settings (a change of settings without a new
     * fixture fails here): both experiments, every optimizer of the table, one value per epoch.
     */
    @Test
    void theCommittedFixtureMatchesTheFullSettings() throws Exception {
        FashionSuite.Settings s = FashionSuite.Settings.of(false);
        Map<String, Map<String, FashionProtocol.TorchCurves>> torch = FashionProtocol.fixture(
                FashionProtocol.signature(s, 55_000, 5_000, 10_000)).orElseThrow();
        for (String experiment : new String[] {"logistic", "mlp"}) {
            int epochs = experiment.equals("mlp") ? s.mlpEpochs() : s.logisticEpochs();
            assertEquals(FashionTable.all().size(), torch.get(experiment).size(), experiment);
            for (FashionTable.Row row : FashionTable.all()) {
                FashionProtocol.TorchCurves c = torch.get(experiment).get(row.label());
                assertEquals(epochs, c.trainCost().length, experiment + " " + row.label());
                assertEquals(epochs, c.testAccuracy().length, experiment + " " + row.label());
                boolean inGrid = false;
                for (double lr : row.grid(experiment.equals("mlp"))) {
                    inGrid |= lr == c.lr();
                }
                assertTrue(inGrid, experiment + " " + row.label() + " lr " + c.lr());
            }
        }
    }

    @Test
    void aFixtureForOtherSettingsIsNotUsed() throws Exception {
        assertTrue(FashionProtocol.fixture(FashionProtocol.signature(FashionSuite.Settings.of(true), 2_000, 500, 1_000))
                .isEmpty());
    }
}
