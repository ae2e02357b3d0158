package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = String.join(File.pathSeparator,
                location(Sgd.class), location(FloatTensor.class), location(TwoSteps.class));
        Process child = new ProcessBuilder(java, "-cp", classPath, TwoSteps.class.getName()).start();
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("child JVM did not finish in 60 s");
        }
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), err);
        // b1 = g, p1 = p - 0.5 g; b2 = 0.5 g + g = 1.5 g, p2 = p1 - 0.75 g = p - 1.25 g (exact in binary)
        assertEquals("scalar 0.375 3.25 0.5", out);
        long hints = err.lines().filter(l -> l.contains("--add-modules jdk.incubator.vector")).count();
        assertEquals(1, hints, "stderr was:\n" + err);
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
