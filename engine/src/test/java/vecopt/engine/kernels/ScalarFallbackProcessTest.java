package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import vecopt.engine.Sgd;
import vecopt.tensor.FloatTensor;

/**
 * A program on the class path without {@code --add-modules jdk.incubator.vector} works on the
 * scalar kernels and is told once how to enable SIMD.
 */
class ScalarFallbackProcessTest {

    /** The child program: two SGD-with-momentum steps on three weights. */
    public static final class TwoSteps {
        public static void main(String[] args) {
            float[] w = {1f, 2f, 3f};
            float[] g = {0.5f, -1f, 2f};
            var p = new vecopt.engine.Parameter("w", FloatTensor.of(w), FloatTensor.of(g));
            Sgd sgd = new Sgd(List.of(p), Sgd.defaults().with("lr", 0.5).with("momentum", 0.5));
            sgd.step();
            sgd.step();
            System.out.println(OptimizerKernelsProvider.get().name() + " " + w[0] + " " + w[1] + " " + w[2]);
        }
    }

    @Test
    void classPathProgramWithoutTheVectorModuleRunsScalarAndLogsOnce() throws Exception {
        ChildJvm.Result child = ChildJvm.run(List.of(), TwoSteps.class);
        String out = child.out();
        String err = child.err();
        assertEquals(0, child.exitCode(), err);
        // b1 = g, p1 = p - 0.5 g; b2 = 0.5 g + g = 1.5 g, p2 = p1 - 0.75 g = p - 1.25 g (exact in binary)
        assertEquals("scalar 0.375 3.25 0.5", out);
        long hints = err.lines().filter(l -> l.contains("--add-modules jdk.incubator.vector")).count();
        assertEquals(1, hints, "stderr was:\n" + err);
    }
}
