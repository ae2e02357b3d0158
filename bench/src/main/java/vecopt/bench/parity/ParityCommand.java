package vecopt.bench.parity;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * {@code parity FILE...}: replays every case of every trajectory file on the scalar kernels and, when
 * the Vector API is enabled, on the Panama kernels too. Prints one line per case and a summary; exits
 * with 1 if any case failed, 2 on unreadable input.
 */
public final class ParityCommand {

    private ParityCommand() {
    }

    public static int run(List<String> files, PrintStream out, PrintStream err) {
        if (files.isEmpty()) {
            err.println("usage: parity FILE...   (JSON array of trajectory cases, optionally gzipped)");
            return 2;
        }
        List<OptimizerKernels> paths = new ArrayList<>();
        paths.add(OptimizerKernelsProvider.scalar());
        if (!OptimizerKernelsProvider.get().name().equals("scalar")) {
            paths.add(OptimizerKernelsProvider.get());
        }
        out.println("kernels: " + String.join(", ", paths.stream().map(OptimizerKernels::name).toList())
                + "; tolerance |got - want| <= " + ParityReplay.ABS_TOLERANCE + " + "
                + ParityReplay.REL_TOLERANCE + " |want|");
        int passed = 0;
        int failed = 0;
        int unsupported = 0;
        for (String file : files) {
            List<TrajectoryCase> cases;
            try {
                cases = TrajectoryFile.read(Path.of(file));
            } catch (IOException | RuntimeException e) {
                err.println("cannot read " + file + ": " + e.getMessage());
                return 2;
            }
            for (TrajectoryCase c : cases) {
                ParityReplay.Result result = null;
                for (OptimizerKernels kernels : paths) {
                    ParityReplay.Result r = ParityReplay.replay(c, kernels);
                    result = result == null ? r : result.combine(r);
                }
                out.printf("%s %s %.3e %.3e%s%n", c.name(), result.verdict(), result.maxAbsError(),
                        result.maxRelError(), result.detail().isEmpty() ? "" : "  (" + result.detail() + ")");
                switch (result.verdict()) {
                    case PASS -> passed++;
                    case FAIL -> failed++;
                    case UNSUPPORTED -> unsupported++;
                }
            }
        }
        out.println(passed + " passed, " + failed + " failed, " + unsupported + " unsupported");
        return failed > 0 ? 1 : 0;
    }
}
