package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * The {@code -Dvecopt.*} switches in a fresh JVM: valid ones pick their kernels, invalid ones make the
 * first optimizer refuse to start with a message naming the switch and its value, and asking for
 * Panama without the Vector API says how to enable it.
 */
class KernelSwitchesProcessTest {

    /** The child program: builds an SGD optimizer and prints the kernels, or the exception it got. */
    public static final class BuildAndStep {
        public static void main(String[] args) {
            try {
                Parameter p = new Parameter("w", FloatTensor.of(new float[] {1f}), FloatTensor.of(new float[] {1f}));
                Optimizer sgd = Optimizers.fromTorch("SGD", List.of(p), Map.of("lr", 0.5));
                sgd.step();
                System.out.println(OptimizerKernelsProvider.get().name() + " " + OptimizerKernelsProvider.get().vectorBitSize());
            } catch (RuntimeException e) {
                System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "true  | -Dvecopt.kernels=scalar        | scalar 32",
        "true  | -Dvecopt.vectorBitSize=128     | panama 128",
        "true  | -Dvecopt.kernels=gpu           | IllegalStateException: -Dvecopt.kernels must be auto, scalar or panama, got gpu",
        "true  | -Dvecopt.vectorBitSize=1024    | IllegalStateException: -Dvecopt.vectorBitSize must be 128, 256 or 512, got 1024",
        "false | -Dvecopt.kernels=panama        | IllegalStateException: -Dvecopt.kernels=panama, but the Java Vector API is not enabled; to use SIMD kernels, start java with --add-modules jdk.incubator.vector",
        "false | -Dvecopt.kernels=auto          | scalar 32",
    })
    void switchesChooseTheKernelsOrNameTheBadValue(boolean vectorModule, String property, String expected)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = String.join(File.pathSeparator,
                location(Optimizer.class), location(FloatTensor.class), location(BuildAndStep.class));
        List<String> command = new ArrayList<>(List.of(java));
        if (vectorModule) {
            command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        command.addAll(List.of(property, "-cp", classPath, BuildAndStep.class.getName()));
        Process child = new ProcessBuilder(command).start();
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("child JVM did not finish in 60 s");
        }
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), err);
        assertEquals(expected, out, err);
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
