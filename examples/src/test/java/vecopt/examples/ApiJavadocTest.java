package vecopt.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The API documentation of vecopt.tensor and vecopt.engine passes {@code javadoc -Xdoclint:all}
 * without a warning. javadoc runs in module mode, so it documents exactly what the module
 * descriptors export to everyone: vecopt.engine.kernels and vecopt.engine.internal, exported to
 * vecopt.bench only, are left out. The same check by hand:
 * <pre>
 * javadoc -Xdoclint:all --add-modules jdk.incubator.vector -d /tmp/api \
 *     --module-source-path vecopt.tensor=tensor/src/main/java:tensor/src/main/module \
 *     --module-source-path vecopt.engine=engine/src/main/java:engine/src/main/module \
 *     --module vecopt.tensor,vecopt.engine
 * </pre>
 */
class ApiJavadocTest {

    /** javadoc says this of every use of jdk.incubator.vector; it is not about the documentation. */
    private static final String INCUBATING = "warning: [incubating] using incubating module(s): jdk.incubator.vector";

    @Test
    void exportedApiIsDoclintClean() throws Exception {
        Path root = ReadmeCodeTest.ROOT;
        Path out = root.resolve("examples/target/api-doclint");
        List<String> args = List.of(
                "-Xdoclint:all", "-Xmaxwarns", "10000", "-quiet",
                "--add-modules", "jdk.incubator.vector",
                "-overview", root.resolve("engine/src/main/javadoc/overview.html").toString(),
                "--module-source-path", "vecopt.tensor=" + root.resolve("tensor/src/main/java")
                        + java.io.File.pathSeparator + root.resolve("tensor/src/main/module"),
                "--module-source-path", "vecopt.engine=" + root.resolve("engine/src/main/java")
                        + java.io.File.pathSeparator + root.resolve("engine/src/main/module"),
                "--module", "vecopt.tensor,vecopt.engine",
                "-d", out.toString());
        ToolProvider javadoc = ToolProvider.findFirst("javadoc").orElseThrow();
        StringWriter text = new StringWriter();
        PrintWriter writer = new PrintWriter(text);
        int exit = javadoc.run(writer, writer, args.toArray(String[]::new));
        writer.flush();

        List<String> problems = text.toString().lines()
                .filter(line -> line.contains("warning") || line.contains("error"))
                .filter(line -> !line.strip().equals(INCUBATING))
                .filter(line -> !line.strip().matches("\\d+ warnings?"))
                .toList();
        assertEquals(List.of(), problems, "javadoc -Xdoclint:all says:\n" + text);
        assertEquals(0, exit, text.toString());
        assertTrue(Files.isRegularFile(out.resolve("vecopt.engine/vecopt/engine/Adam.html")));
        assertTrue(Files.isRegularFile(out.resolve("vecopt.engine/vecopt/engine/schedule/package-summary.html")));
        assertFalse(Files.exists(out.resolve("vecopt.engine/vecopt/engine/kernels")), "internal package documented");
        assertFalse(Files.exists(out.resolve("vecopt.engine/vecopt/engine/internal")), "internal package documented");
    }
}
