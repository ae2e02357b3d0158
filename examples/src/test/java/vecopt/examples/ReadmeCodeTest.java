package vecopt.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} block of README.md must appear, line for line (leading and trailing spaces
 * aside), in a source file of examples/src/main, where ExamplesTest runs it. So the README's code
 * compiles and runs, and cannot drift from the code that does.
 */
class ReadmeCodeTest {

    static final Path ROOT = Path.of(System.getProperty("vecopt.examples.root", "..")).toAbsolutePath().normalize();

    @Test
    void everyJavaBlockOfTheReadmeIsInAnExample() throws IOException {
        List<List<String>> blocks = javaBlocks(Files.readAllLines(ROOT.resolve("README.md")));
        assertFalse(blocks.isEmpty(), "README.md has no ```java block");
        List<List<String>> sources = exampleSources();
        List<String> missing = new ArrayList<>();
        for (List<String> block : blocks) {
            if (sources.stream().noneMatch(source -> containsRun(source, block))) {
                missing.add(String.join("\n", block));
            }
        }
        if (!missing.isEmpty()) {
            fail(missing.size() + " of the README's " + blocks.size() + " java blocks are in no file of "
                    + "examples/src/main (put the code in an example that a test runs, then quote it):\n\n"
                    + String.join("\n\n", missing));
        }
    }

    @Test
    void findsABlockOnlyWhenAllItsLinesAreThereInOrder() {
        List<String> source = List.of("a();", "    b();", "c();");
        if (!containsRun(source, List.of("b();", "c();")) || containsRun(source, List.of("a();", "c();"))
                || containsRun(source, List.of("c();", "d();"))) {
            fail("containsRun is wrong");
        }
    }

    /** The lines of each fenced block whose info string is {@code java}, stripped. */
    static List<List<String>> javaBlocks(List<String> readme) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        for (String line : readme) {
            String s = line.strip();
            if (current == null && s.startsWith("```") && s.substring(3).strip().equals("java")) {
                current = new ArrayList<>();
            } else if (current != null && s.equals("```")) {
                blocks.add(current);
                current = null;
            } else if (current != null) {
                current.add(s);
            }
        }
        return blocks;
    }

    static List<List<String>> exampleSources() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT.resolve("examples/src/main"))) {
            return files.filter(f -> f.toString().endsWith(".java")).map(f -> {
                try {
                    return Files.readAllLines(f).stream().map(String::strip).toList();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }

    static boolean containsRun(List<String> source, List<String> block) {
        List<String> wanted = block.stream().map(String::strip).toList();
        for (int start = 0; start + wanted.size() <= source.size(); start++) {
            List<String> window = source.subList(start, start + wanted.size()).stream().map(String::strip).toList();
            if (window.equals(wanted)) {
                return true;
            }
        }
        return false;
    }
}
