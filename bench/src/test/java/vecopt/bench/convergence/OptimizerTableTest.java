package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.Rule;
import vecopt.engine.Rules;
import vecopt.tensor.FloatTensor;

/** The convergence suite compares every registered rule, each row builds, and the charts tell the rows apart. */
class OptimizerTableTest {

    @Test
    void everyRegisteredRuleHasAConvergenceRowOrRunsAsAReference() {
        Set<String> compared = OptimizerTable.all().stream().map(OptimizerSetup::torchName).collect(Collectors.toSet());
        compared.addAll(SecondOrder.REFERENCE_RULES);
        List<String> missing = Rules.all().stream().map(Rule::torchName).filter(r -> !compared.contains(r)).toList();
        assertTrue(missing.isEmpty(), "OptimizerTable has no row (learning rates per problem) for "
                + String.join(", ", missing));
    }

    @Test
    void theReferenceRulesAreRegisteredClosureRulesWithoutRows() {
        for (String rule : SecondOrder.REFERENCE_RULES) {
            assertTrue(Rules.get(rule).needsClosure(), rule + " steps from gradients: give it a row instead");
            assertTrue(OptimizerTable.all().stream().noneMatch(r -> r.torchName().equals(rule)), rule + " has a row too");
        }
    }

    @Test
    void everyRowBuildsItsOptimizerThroughTheRegistry() {
        for (OptimizerSetup row : OptimizerTable.all()) {
            assertTrue(Rules.contains(row.torchName()), row.label() + ": " + row.torchName() + " is not registered");
            if (row.runsOnTestFunctions()) {
                assertDoesNotThrow(() -> row.build(List.of(Parameter.of("w", FloatTensor.zeros(2))), row.lr().saddle()),
                        row.label());
            }
            assertDoesNotThrow(() -> row.buildAll(List.of(Parameter.of("w", FloatTensor.zeros(4, 3)),
                    Parameter.of("b", FloatTensor.zeros(4))), row.lr().mlp()), row.label());
        }
    }

    /**
     * Muon steps matrices only, like PyTorch's: its row runs on no test function (their parameter is a
     * vector of two; the tables say so) and trains the digits models with AdamW for the biases. Every
     * other row runs everywhere with one optimizer.
     */
    @Test
    void aRowOfMatricesOnlySkipsTheTestFunctionsAndNamesTheOptimizerOfTheOtherParameters() {
        OptimizerSetup muon = OptimizerTable.get("Muon");
        assertFalse(muon.runsOnTestFunctions());
        assertTrue(Double.isNaN(muon.lr().saddle()) && Double.isNaN(muon.lr().twoMinima()), "no rate where it does not run");
        List<Optimizer> both = muon.buildAll(List.of(Parameter.of("fc.weight", FloatTensor.zeros(4, 3)),
                Parameter.of("fc.bias", FloatTensor.zeros(4))), muon.lr().mlp());
        assertEquals(List.of("Muon", "AdamW"), both.stream().map(Optimizer::torchName).toList());
        assertEquals("Muon(lr=0.05) + AdamW(lr=0.001, weight_decay=0.01) for the other parameters", muon.describe(0.05));
        for (OptimizerSetup row : OptimizerTable.all()) {
            if (row != muon) {
                assertTrue(row.runsOnTestFunctions() && row.others() == null, row.label());
            }
        }
        ConvergenceSuite.FunctionRuns runs = ConvergenceSuite.runFunction(TestFunctions.saddle(), 10);
        int index = OptimizerTable.all().indexOf(muon);
        assertNull(runs.optimizers().get(index), "no Muon run on a vector");
        assertEquals(OptimizerTable.all().size() - 1, runs.optimizers().stream().filter(java.util.Objects::nonNull).count(),
                "every other row ran");
    }

    @Test
    void labelsAreUniqueSoEachRowHasItsOwnLine() {
        List<String> labels = OptimizerTable.all().stream().map(OptimizerSetup::label).toList();
        assertEquals(labels.size(), Set.copyOf(labels).size(), labels.toString());
    }

    @Test
    void everyRowAndSecondOrderMethodHasItsOwnLineStyle() {
        List<String> labels = new ArrayList<>(OptimizerTable.all().stream().map(OptimizerSetup::label).toList());
        labels.add(SecondOrder.NEWTON);
        labels.add(SecondOrder.LBFGS);
        labels.add(SecondOrder.STEEPEST);
        List<Charts.RunStyle> styles = labels.stream().map(Charts::styleOf).toList();
        assertEquals(labels.size(), Set.copyOf(styles).size(), "styles of " + labels + ": " + styles);
        assertNotEquals(Charts.colorOf("no such optimizer"), Charts.colorOf(OptimizerTable.all().getFirst().label()));
    }

    @Test
    void rowsOfOneColourDifferInLinePatternAndMarker() {
        List<String> labels = OptimizerTable.all().stream().map(OptimizerSetup::label).toList();
        for (int i = 0; i < labels.size(); i++) {
            for (int j = i + 1; j < labels.size(); j++) {
                Charts.RunStyle a = Charts.styleOf(labels.get(i));
                Charts.RunStyle b = Charts.styleOf(labels.get(j));
                if (a.color().equals(b.color())) {
                    assertNotEquals(a.stroke(), b.stroke(), labels.get(i) + " and " + labels.get(j));
                    assertNotEquals(a.marker(), b.marker(), labels.get(i) + " and " + labels.get(j));
                }
            }
        }
    }
}
