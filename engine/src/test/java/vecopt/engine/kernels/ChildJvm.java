package vecopt.engine.kernels;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import vecopt.engine.Optimizer;
import vecopt.tensor.FloatTensor;

/**
 * Runs a test's {@code main} class in a fresh JVM on the class path of the engine, the tensors and
 * the tests, for the start-up tests: what a program sees depends on what its JVM initialized first.
 */
final class ChildJvm {

    /** What the child printed, trimmed, and how it exited. */
    record Result(int exitCode, String out, String err) {
    }

    private ChildJvm() {
    }

    /** Runs {@code main} with {@code jvmOptions} before the class path and {@code args} after the class. */
    static Result run(List<String> jvmOptions, Class<?> main, String... args)
            throws IOException, InterruptedException, URISyntaxException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", String.join(File.pathSeparator,
                location(Optimizer.class), location(FloatTensor.class), location(main)), main.getName()));
        command.addAll(List.of(args));
        Path err = Files.createTempFile("vecopt-child", ".err");
        try {
            // stderr to a file, so a chatty child cannot fill a pipe and block
            Process child = new ProcessBuilder(command).redirectError(err.toFile()).start();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new AssertionError("child JVM did not finish in 60 s: " + command);
            }
            return new Result(child.exitValue(), out, Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
