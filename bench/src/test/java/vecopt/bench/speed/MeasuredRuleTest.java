package vecopt.bench.speed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vecopt.engine.Rules;

/** What a benchmark's {@code @Measures} resolves to: the registry's rule, options, label and traffic. */
class MeasuredRuleTest {

    @Measures(rule = "Adam", kwargs = {"amsgrad=true", "lr=0.01"}, label = "Adam AMSGrad")
    static final class AdamAmsgrad {
    }

    @Measures(rule = "Adadelta")
    static final class AdadeltaDefaults {
    }

    @Measures(rule = "Adam", kwargs = "nesterov=true")
    static final class UnknownOption {
    }

    @Measures(rule = "Adam", kwargs = "amsgrad=yes")
    static final class NotAFlag {
    }

    @Measures(rule = "NoSuchRule")
    static final class UnregisteredRule {
    }

    static final class NoAnnotation {
    }

    @Test
    void kwargsChangeTheRulesDefaultsAndTheTrafficFollowsTheRulesBuffers() {
        MeasuredRule m = MeasuredRule.of(AdamAmsgrad.class);
        assertEquals(Rules.get("Adam"), m.rule());
        assertTrue(m.hyperparameters().flag("amsgrad"));
        assertEquals(0.01, m.hyperparameters().get("lr"));
        assertEquals(0.9, m.hyperparameters().get("beta1"));
        assertEquals("Adam AMSGrad", m.label());
        assertEquals("r5w4", m.traffic().shape());
        assertEquals(Rules.get("Adam").traffic(m.hyperparameters()), m.traffic());
    }

    @Test
    void aWorkloadNamesTheArraysTheRuleMoves() {
        Workload w = MeasuredRule.of(AdamAmsgrad.class).workload();
        assertEquals("p, g, exp_avg, exp_avg_sq, max_exp_avg_sq → p, exp_avg, exp_avg_sq, max_exp_avg_sq", w.arrays());
        assertEquals(36, w.bytesPerElement());
        assertEquals("Adam", w.rule());
        assertFalse(w.reference());
    }

    @Test
    void withoutALabelTheRulesNameIsTheLabel() {
        Workload w = Workload.of(AdadeltaDefaults.class);
        assertEquals("Adadelta", w.label());
        assertEquals("p, g, square_avg, acc_delta → p, square_avg, acc_delta", w.arrays());
    }

    @Test
    void aPassFiledUnderARuleNamesItsOwnArraysAndKeepsTheRulesTraffic() {
        Workload ema = Workload.of(EmaAveragingBenchmark.class);
        assertEquals("p, avg → avg", ema.arrays());
        assertEquals("SGD", ema.rule());
        assertEquals("Weight averaging: EMA (AveragedModel)", ema.label());
        assertTrue(Workload.of(SgdPlainBenchmark.class).compareTo(ema) < 0, "after plain SGD, which hosts the bandwidth run");
        assertEquals(Workload.of(SgdPlainBenchmark.class).traffic(), ema.traffic());
        assertFalse(ema.reference());
    }

    @Test
    void aReferenceIsNoRuleAndSortsAfterEveryRule() {
        Workload bound = Workload.of(AdamDividerBoundBenchmark.class);
        assertTrue(bound.reference());
        assertEquals("r2w1", bound.traffic().shape());
        assertEquals("a, b → out", bound.arrays());
        assertTrue(Workload.of(AdadeltaDefaults.class).compareTo(bound) < 0);
    }

    @Test
    void mistakesInTheAnnotationNameTheClass() {
        String unknown = assertThrows(IllegalStateException.class, () -> MeasuredRule.of(UnknownOption.class)).getMessage();
        assertTrue(unknown.startsWith(UnknownOption.class.getName() + ": @Measures(rule = \"Adam\", kwargs = [nesterov=true]): "),
                unknown);
        assertTrue(unknown.contains("no hyperparameter nesterov"), unknown);
        String flag = assertThrows(IllegalStateException.class, () -> MeasuredRule.of(NotAFlag.class)).getMessage();
        assertTrue(flag.endsWith("amsgrad is a flag (true or false), got 'yes'"), flag);
        String rule = assertThrows(IllegalStateException.class, () -> MeasuredRule.of(UnregisteredRule.class)).getMessage();
        assertTrue(rule.contains("vecopt has no optimizer NoSuchRule"), rule);
        assertEquals(NoAnnotation.class.getName() + " is a speed benchmark without @Measures(rule = ...) or @Reference(...)",
                assertThrows(IllegalStateException.class, () -> Workload.of(NoAnnotation.class)).getMessage());
    }
}
