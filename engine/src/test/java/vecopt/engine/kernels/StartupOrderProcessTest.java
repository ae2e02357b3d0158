package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * Whichever engine class a program touches first, the kernel provider starts without a cycle and an
 * optimizer steps on the Panama kernels: one fresh JVM per class, with the class initialized before
 * anything else. (Touching {@link ReferenceKernels} first used to leave the provider without kernels.)
 */
class StartupOrderProcessTest {

    /** The child program: initializes the class named by its first argument, then takes one SGD step. */
    public static final class TouchThenStep {
        public static void main(String[] args) throws ClassNotFoundException {
            Class.forName(args[0], true, TouchThenStep.class.getClassLoader());
            float[] w = {1f, -2f};
            Parameter p = new Parameter("w", FloatTensor.of(w), FloatTensor.of(new float[] {0.5f, -0.25f}));
            Optimizer sgd = Optimizers.fromTorch("SGD", List.of(p), Map.of("lr", 0.5, "momentum", 0.9));
            sgd.step();
            System.out.println(OptimizerKernelsProvider.get().name() + " " + w[0] + " " + w[1]);
        }
    }

    /**
     * Every class of the engine's main code, public or not, found in its compiled classes; the
     * kernel classes also with {@code -Dvecopt.vectorBitSize=512}.
     */
    static Stream<Arguments> engineClasses() throws IOException, URISyntaxException {
        Path root = Path.of(Optimizer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<Path> files = Files.walk(root)) {
            List<String> names = files.map(root::relativize).map(Path::toString)
                    .filter(f -> f.endsWith(".class") && !f.contains("$") && !f.endsWith("module-info.class")
                            && !f.endsWith("package-info.class"))
                    .map(f -> f.substring(0, f.length() - ".class".length()).replace(File.separatorChar, '.'))
                    .sorted().toList();
            assertFalse(names.isEmpty(), "no classes under " + root);
            return names.stream().flatMap(n -> n.startsWith("vecopt.engine.kernels.")
                    ? Stream.of(Arguments.of(n, ""), Arguments.of(n, "-Dvecopt.vectorBitSize=512"))
                    : Stream.of(Arguments.of(n, "")));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("engineClasses")
    void optimizerStepsOnPanamaWhateverClassIsTouchedFirst(String className, String bitSize) throws Exception {
        // the fallback run (no vector module) repeats nothing here: the children choose their own flags
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "the start-up order is checked in the surefire runs that enable the Vector API");
        List<String> options = new ArrayList<>(List.of("--add-modules", "jdk.incubator.vector"));
        if (!bitSize.isEmpty()) {
            options.add(bitSize);
        }
        ChildJvm.Result child = ChildJvm.run(options, TouchThenStep.class, className);
        String out = child.out();
        String err = child.err();
        assertEquals(0, child.exitCode(), err);
        // the first momentum step is p - lr * g: 1 - 0.25 and -2 + 0.125, exact in binary
        assertEquals("panama 0.75 -1.875", out, err);
    }
}
