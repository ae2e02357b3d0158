package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        List<String> options = new ArrayList<>();
        if (vectorModule) {
            options.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        options.add(property);
        ChildJvm.Result child = ChildJvm.run(options, BuildAndStep.class);
        String out = child.out();
        String err = child.err();
        assertEquals(0, child.exitCode(), err);
        assertEquals(expected, out, err);
    }
}
