package vecopt.engine.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The feature flags the Linux kernel reports for this machine's CPU ({@code /proc/cpuinfo}'s first
 * {@code flags} line), for the few Vector API operations that C2 compiles only with a given
 * instruction set and otherwise runs in Java, boxing every vector. Elsewhere, or if the file cannot be
 * read, no flag is set, so a kernel takes its portable path: speed may differ, bits do not.
 */
final class CpuFlags {

    private static final Set<String> FLAGS = read(Path.of("/proc/cpuinfo"));

    private CpuFlags() {
    }

    /** Whether the CPU reports {@code flag} (as Linux spells it: {@code avx512vbmi}, {@code sse2}). */
    static boolean has(String flag) {
        return FLAGS.contains(flag);
    }

    /** The flags of the first {@code flags} line of a cpuinfo file; empty if there is none or it cannot be read. */
    static Set<String> read(Path cpuinfo) {
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(line -> line.startsWith("flags")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .map(flags -> Stream.of(flags.split("\\s+")).collect(Collectors.toUnmodifiableSet()))
                    .orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return Set.of(); // not Linux, or no access: the portable paths
        }
    }
}
