package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
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
            assertDoesNotThrow(() -> row.build(List.of(Parameter.of("w", FloatTensor.zeros(2))), row.lr().saddle()), row.label());
        }
    }

    @Test
    void labelsAreUniqueSoEachRowHasItsOwnLine() {
        List<String> labels = OptimizerTable.all().stream().map(OptimizerSetup::label).toList();
        assertEquals(labels.size(), Set.copyOf(labels).size(), labels.toString());
    }

    @Test
    void everyRowAndSecondOrderMethodHasItsOwnColour() {
        List<String> labels = new ArrayList<>(OptimizerTable.all().stream().map(OptimizerSetup::label).toList());
        labels.add(SecondOrder.NEWTON);
        labels.add(SecondOrder.LBFGS);
        labels.add(SecondOrder.STEEPEST);
        List<Color> colours = labels.stream().map(Charts::colorOf).toList();
        assertEquals(labels.size(), Set.copyOf(colours).size(), "colours of " + labels + ": " + colours);
        assertNotEquals(Charts.colorOf("no such optimizer"), Charts.colorOf(OptimizerTable.all().getFirst().label()));
    }
}
