package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.kernels.ParityOf;
import vecopt.engine.reference.TextbookOptimizers;
import vecopt.tensor.FloatTensor;

/**
 * The registry is the one list of rules, and every rule in it has what a rule needs in the engine's
 * tests. Each check iterates {@link Rules#all()} (or the compiled optimizer classes) and names the
 * rule that lacks something; none compares with a list of its own.
 */
class RuleCoverageTest {

    static Stream<Rule> rules() {
        return Rules.all().stream();
    }

    /** Every concrete {@link Optimizer} subclass in the engine's compiled main classes. */
    static List<Class<?>> optimizerClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(Optimizer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(f).toString();
                if (name.contains("$") || name.endsWith("module-info.class") || name.endsWith("package-info.class")) {
                    continue;
                }
                Class<?> c = Class.forName(name.substring(0, name.length() - 6).replace(File.separatorChar, '.'), false,
                        Optimizer.class.getClassLoader());
                if (Optimizer.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())) {
                    found.add(c);
                }
            }
        }
        return found;
    }

    @Test
    void everyOptimizerClassIsARegisteredRule() throws Exception {
        List<Class<?>> classes = optimizerClasses();
        assertFalse(classes.isEmpty(), "no optimizer classes found");
        for (Class<?> c : classes) {
            Rule rule;
            try {
                rule = (Rule) c.getField("RULE").get(null);
            } catch (NoSuchFieldException e) {
                throw new AssertionError(c.getSimpleName() + " has no public static RULE descriptor", e);
            }
            assertTrue(Rules.contains(rule.torchName()), c.getSimpleName() + " (" + rule + ") is not in Rules");
            assertSame(rule, Rules.get(rule.torchName()), c.getSimpleName() + " registers another descriptor");
            Optimizer built = rule.create(List.of(Parameter.of("w", FloatTensor.zeros(RuleCases.shapeFor(rule.torchName(), 3)))),
                    rule.defaults());
            assertSame(c, built.getClass(), rule + "'s factory builds " + built.getClass().getSimpleName());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void everyRuleHasAFloat64TextbookReference(Rule rule) {
        try {
            TextbookOptimizers.create(rule.torchName(), Map.of());
        } catch (IllegalArgumentException e) {
            fail(rule + " has no textbook reference in vecopt.engine.reference: " + e.getMessage());
        }
    }

    /** The rules named by {@link ParityOf} on the compiled test classes of the kernels package. */
    static Set<String> rulesWithParityTests() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(RuleCoverageTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path kernels = root.resolve("vecopt").resolve("engine").resolve("kernels");
        Set<String> named = new TreeSet<>();
        try (Stream<Path> files = Files.list(kernels)) {
            for (Path f : files.filter(f -> f.toString().endsWith("KernelParityTest.class")).toList()) {
                String simple = f.getFileName().toString().replace(".class", "");
                ParityOf parity = Class.forName("vecopt.engine.kernels." + simple).getAnnotation(ParityOf.class);
                if (parity != null) {
                    named.addAll(List.of(parity.value()));
                }
            }
        }
        return named;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void everyRuleHasAKernelParityTest(Rule rule) throws Exception {
        assertTrue(rulesWithParityTests().contains(rule.torchName()), rule + " has no kernel parity test: no"
                + " *KernelParityTest in vecopt.engine.kernels is annotated @ParityOf(\"" + rule + "\")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void everyRuleHasCasesForTheTrainingFeatureTests(Rule rule) {
        Set<String> covered = new TreeSet<>();
        RuleCases.all().forEach(a -> covered.add((String) a.get()[0]));
        assertTrue(covered.contains(rule.torchName()), rule + " has no case in RuleCases (clipping, noise and"
                + " non-finite policy tests run every case there whose rule steps from its gradients)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void fromTorchBuildsEveryRuleWithItsDefaults(Rule rule) {
        Optimizer o = Optimizers.fromTorch(rule.torchName(),
                List.of(Parameter.of("w", FloatTensor.zeros(RuleCases.shapeFor(rule.torchName(), 3)))), Map.of());
        assertSame(rule, o.rule());
        assertTrue(o.paramGroups().get(0).hyperparameters().equals(rule.defaults()), rule + " defaults");
    }
}
