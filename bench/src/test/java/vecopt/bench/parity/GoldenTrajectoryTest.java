package vecopt.bench.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * Every PyTorch golden trajectory ({@code golden/torch_golden.json.gz}, made by
 * {@code generate_golden.py} beside it) replays within PyTorch's float32 tolerance on the scalar
 * kernels and, when the Vector API is enabled, on the Panama kernels.
 */
class GoldenTrajectoryTest {

    private static final String FIXTURE = "/golden/torch_golden.json.gz";

    static List<TrajectoryCase> cases() throws IOException {
        try (InputStream in = GoldenTrajectoryTest.class.getResourceAsStream(FIXTURE)) {
            if (in == null) {
                throw new IOException("missing test resource " + FIXTURE);
            }
            return TrajectoryFile.read(in, FIXTURE);
        }
    }

    static Stream<OptimizerKernels> kernelPaths() {
        OptimizerKernels chosen = OptimizerKernelsProvider.get();
        return chosen.name().equals("scalar") ? Stream.of(chosen) : Stream.of(OptimizerKernelsProvider.scalar(), chosen);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> casesOnEveryPath() throws IOException {
        List<TrajectoryCase> cases = cases();
        return kernelPaths().flatMap(k -> cases.stream().map(c -> org.junit.jupiter.params.provider.Arguments.of(
                org.junit.jupiter.api.Named.of(k.name() + " " + c.name(), c), k)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("casesOnEveryPath")
    void engineMatchesTorchEveryStep(TrajectoryCase c, OptimizerKernels kernels) {
        ParityReplay.Result r = ParityReplay.replay(c, kernels);
        assertEquals(ParityReplay.Verdict.PASS, r.verdict(), r.name() + ": " + r.detail());
    }

    @Test
    void fixturesCoverEveryRuleTheIssueNames() throws IOException {
        Map<String, Long> perOptimizer = cases().stream()
                .collect(Collectors.groupingBy(TrajectoryCase::optimizer, TreeMap::new, Collectors.counting()));
        for (String rule : List.of("SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "Adamax", "NAdam", "RAdam")) {
            assertTrue(perOptimizer.getOrDefault(rule, 0L) >= 3, rule + " has too few cases: " + perOptimizer);
        }
    }

    @Test
    void panamaIsReplayedWhenTheVectorModuleIsThere() {
        boolean moduleThere = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(moduleThere ? 2 : 1, kernelPaths().count());
    }
}
