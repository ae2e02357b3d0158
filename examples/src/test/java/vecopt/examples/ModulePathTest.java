package vecopt.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.Adam;
import vecopt.tensor.FloatTensor;

/**
 * The quick start as a user runs it, in a fresh JVM: on the module path (module vecopt.examples
 * requires vecopt.engine) and on the class path, with {@code --add-modules jdk.incubator.vector} and
 * without it (the scalar kernels, same output, and one log line saying how to get SIMD).
 */
class ModulePathTest {

    private static final String FITTED = "w = 3.000, b = -2.000";
    private static final String MAIN = "vecopt.examples.TrainTinyModel";
    private static final String OWN_RULE = "vecopt.examples.WriteYourOwnRule";

    @Test
    void runsOnTheModulePathWithTheVectorApi() throws Exception {
        Run run = java("--add-modules", "jdk.incubator.vector", "--module-path", vecoptPath(),
                "--module", "vecopt.examples/" + MAIN);
        assertEquals(FITTED, run.stdout.strip(), run.stderr);
        assertFalse(run.stderr.contains("scalar"), run.stderr);
    }

    @Test
    void runsOnTheModulePathWithoutTheVectorApi() throws Exception {
        Run run = java("--module-path", vecoptPath(), "--module", "vecopt.examples/" + MAIN);
        assertEquals(FITTED, run.stdout.strip(), run.stderr);
        assertTrue(run.stderr.contains("--add-modules jdk.incubator.vector"), run.stderr);
    }

    @Test
    void runsOnTheClassPathWithAndWithoutTheVectorApi() throws Exception {
        Run simd = java("--add-modules", "jdk.incubator.vector", "-cp", vecoptPath(), MAIN);
        Run scalar = java("-cp", vecoptPath(), MAIN);
        assertEquals(FITTED, simd.stdout.strip(), simd.stderr);
        assertEquals(FITTED, scalar.stdout.strip(), scalar.stderr);
        assertTrue(scalar.stderr.contains("--add-modules jdk.incubator.vector"), scalar.stderr);
    }

    /**
     * A user's own rule with an optional Vector API kernel ({@link WriteYourOwnRule}'s Signum): without
     * the Vector API it runs its scalar kernel and never loads the vector one; with it, on the module
     * path (vecopt.examples {@code requires static jdk.incubator.vector}) and on the class path, at the
     * widths {@code -Dvecopt.vectorBitSize} asks for, its two kernels agree bit for bit.
     */
    @Test
    void aUsersOwnRuleRunsWithAndWithoutTheVectorApi(@TempDir Path tmp) throws Exception {
        String dir = tmp.toString();
        Run scalar = java("--module-path", vecoptPath(), "--module", "vecopt.examples/" + OWN_RULE, dir);
        assertTrue(scalar.stdout.contains("resumed from a checkpoint: bit for bit"), scalar.stdout + scalar.stderr);
        assertTrue(scalar.stdout.contains("kernels: scalar only"), scalar.stdout + scalar.stderr);

        Run modules = java("--add-modules", "jdk.incubator.vector", "-Dvecopt.vectorBitSize=512",
                "--module-path", vecoptPath(), "--module", "vecopt.examples/" + OWN_RULE, dir);
        assertTrue(modules.stdout.contains("resumed from a checkpoint: bit for bit"), modules.stdout + modules.stderr);
        assertTrue(modules.stdout.matches("(?s).*kernels: vector \\((256|512) bits\\) and scalar differ in 0 of 13 cases.*"),
                modules.stdout + modules.stderr);

        Run narrow = java("--add-modules", "jdk.incubator.vector", "-Dvecopt.vectorBitSize=128", "-cp", vecoptPath(),
                OWN_RULE, dir);
        assertTrue(narrow.stdout.contains("kernels: vector (128 bits) and scalar differ in 0 of 13 cases"),
                narrow.stdout + narrow.stderr);
    }

    /** target/classes of tensor, engine and examples (each with its module-info.class). */
    private static String vecoptPath() throws Exception {
        List<String> dirs = new ArrayList<>();
        for (Class<?> c : List.of(FloatTensor.class, Adam.class, TrainTinyModel.class)) {
            dirs.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return String.join(File.pathSeparator, dirs);
    }

    private record Run(String stdout, String stderr) {
    }

    private static Run java(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), command + "\n" + out + err);
        return new Run(out, err);
    }
}
