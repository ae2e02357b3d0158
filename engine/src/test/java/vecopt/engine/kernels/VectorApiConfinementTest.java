package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Only {@code vecopt.engine.kernels} may touch {@code jdk.incubator.vector}, in every module; and the
 * example of a user's own rule, whose vector kernel is user code that shows how one is written.
 */
class VectorApiConfinementTest {

    private static final Path PROJECT = Path.of("").toAbsolutePath().getParent();
    /** An import of, or a qualified reference to, a Vector API type; not a flag naming the module. */
    private static final Pattern USES_VECTOR_API = Pattern.compile("\\bjdk\\.incubator\\.vector\\.[A-Za-z*]");
    private static final Path KERNELS = Path.of("engine", "src", "main", "java", "vecopt", "engine", "kernels");
    /** A user's Vector API kernel, outside the engine, as the README's "Write your own rule" shows it. */
    private static final Path USER_KERNEL_EXAMPLE =
            Path.of("examples", "src", "main", "java", "vecopt", "examples", "SignumVectorKernel.java");
    /** Measurement experiments that time variants of the kernels' vector loops beside them; run only by JMH. */
    private static final Path KERNEL_EXPERIMENTS = Path.of("bench", "src", "main", "java", "vecopt", "bench", "kernels");

    @Test
    void noClassOutsideTheKernelsPackageUsesTheVectorApi() throws IOException {
        List<Path> sources = javaSources();
        assertTrue(sources.size() > 10, "expected the project's sources under " + PROJECT + ", found " + sources);
        List<String> offenders = sources.stream()
                .filter(f -> !PROJECT.relativize(f).startsWith(KERNELS))
                .filter(f -> !PROJECT.relativize(f).equals(USER_KERNEL_EXAMPLE))
                .filter(f -> !PROJECT.relativize(f).startsWith(KERNEL_EXPERIMENTS))
                .filter(f -> !f.getFileName().toString().equals("module-info.java"))
                .filter(f -> USES_VECTOR_API.matcher(read(f)).find())
                .map(f -> PROJECT.relativize(f).toString())
                .toList();
        assertEquals(List.of(), offenders);
    }

    @Test
    void theScanWouldCatchAnImportInTheKernelsPackage() throws IOException {
        long panama = javaSources().stream()
                .filter(f -> PROJECT.relativize(f).startsWith(KERNELS))
                .filter(f -> USES_VECTOR_API.matcher(read(f)).find())
                .count();
        assertTrue(panama >= 1, "the Panama kernels import the Vector API, so the scan must see them");
    }

    private static List<Path> javaSources() throws IOException {
        try (Stream<Path> files = Files.walk(PROJECT)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> f.toString().contains("/src/main/java/"))
                    .filter(f -> !f.toString().contains("/target/"))
                    .toList();
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
