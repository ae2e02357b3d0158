package vecopt.bench.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.Rule;
import vecopt.engine.Rules;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * Every PyTorch golden trajectory ({@code golden/torch_golden.json.gz}, made by
 * {@code generate_golden.py} beside it) replays on the scalar kernels and, when the Vector API is
 * enabled, on the Panama kernels: bit for bit for the rules whose kernels follow ATen's operations
 * exactly, within PyTorch's float32 tolerance for the others. So do the trajectories of rules
 * {@code torch.optim} lacks, from small pure-torch transcriptions of vecopt's conventions
 * ({@code golden/transcribed_golden.json.gz}, made by {@code generate_transcribed.py}).
 */
class GoldenTrajectoryTest {

    private static final List<String> FIXTURES = List.of("/golden/torch_golden.json.gz",
            "/golden/transcribed_golden.json.gz");

    /**
     * Rules that round exactly as ATen does: every parameter bit of every step equals PyTorch's. The
     * others save a division or a root where PyTorch spends one (see {@code docs/torch-ulp.md}).
     */
    static final Set<String> EXACT_RULES = Set.of("SGD", "Adagrad", "RMSprop", "Adamax", "Rprop", "ASGD");

    static List<TrajectoryCase> cases() throws IOException {
        List<TrajectoryCase> cases = new java.util.ArrayList<>();
        for (String fixture : FIXTURES) {
            try (InputStream in = GoldenTrajectoryTest.class.getResourceAsStream(fixture)) {
                if (in == null) {
                    throw new IOException("missing test resource " + fixture);
                }
                cases.addAll(TrajectoryFile.read(in, fixture));
            }
        }
        return cases;
    }

    static Stream<OptimizerKernels> kernelPaths() {
        OptimizerKernels chosen = OptimizerKernelsProvider.get();
        return chosen.name().equals("scalar") ? Stream.of(chosen) : Stream.of(OptimizerKernelsProvider.scalar(), chosen);
    }

    private static Stream<Arguments> onEveryPath(Predicate<TrajectoryCase> which) throws IOException {
        List<TrajectoryCase> cases = cases().stream().filter(which).toList();
        return kernelPaths().flatMap(k -> cases.stream().map(c -> Arguments.of(Named.of(k.name() + " " + c.name(), c), k)));
    }

    static Stream<Arguments> casesOnEveryPath() throws IOException {
        return onEveryPath(c -> true);
    }

    static Stream<Arguments> exactCasesOnEveryPath() throws IOException {
        return onEveryPath(c -> EXACT_RULES.contains(c.optimizer()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("casesOnEveryPath")
    void engineMatchesTorchWithinToleranceEveryStep(TrajectoryCase c, OptimizerKernels kernels) {
        ParityReplay.Result r = ParityReplay.replay(c, kernels);
        assertEquals(ParityReplay.Verdict.PASS, r.verdict(), r.name() + ": " + r.detail());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exactCasesOnEveryPath")
    void exactRulesEqualTorchBitForBitEveryStep(TrajectoryCase c, OptimizerKernels kernels) {
        ParityReplay.Result r = ParityReplay.replay(c, kernels);
        assertEquals(ParityReplay.Verdict.PASS, r.verdict(), r.name() + ": " + r.detail());
        assertTrue(r.exact(), r.name() + " differs from PyTorch at " + r.firstDifference() + " (" + r.maxUlp() + " ulp)");
    }

    /**
     * Registered rules that have no golden PyTorch cases, each with the reason. A rule PyTorch does
     * not ship (Debian's torch 1.13 lacks some) goes here with its reference named, unless
     * {@code generate_transcribed.py} transcribes it (LAMB, LARS).
     */
    static final Map<String, String> WITHOUT_GOLDEN_CASES = Map.of(
            "Lion", "not in torch.optim (any version); the reference is the float64 TextbookLion, written from"
                    + " Chen et al. 2023, Algorithm 2; optax's lion, whose conventions it follows, cannot run here",
            "AdaBelief", "not in torch.optim; the reference is the float64 TextbookAdaBelief, written from Zhuang"
                    + " et al. 2020, Algorithm 2, with adabelief-pytorch's decoupled decay (not installed here)",
            "Yogi", "not in torch.optim; the reference is the float64 TextbookYogi, written from Zaheer et al."
                    + " 2018, Algorithm 2, with optax's scale_by_yogi conventions (optax cannot run here)",
            "ADOPT", "not in torch.optim; the reference is the float64 TextbookADOPT, written from Taniguchi et al."
                    + " 2024, Algorithm 2, with optax's clipping schedule (optax cannot run here)",
            "AdEMAMix", "not in torch.optim; the reference is the float64 TextbookAdEMAMix, written from Pagliardini"
                    + " et al. 2024, Algorithm 1 and its schedulers, with optax's ademamix conventions (optax cannot"
                    + " run here)",
            "SGDScheduleFree", "not in torch.optim, and Debian's torch has no schedulefree package; the reference is"
                    + " the float64 TextbookSGDScheduleFree, written from Defazio et al. 2024, equations (1)-(3), with"
                    + " the package's averaging weights and decay at y",
            "AdamWScheduleFree", "not in torch.optim, and Debian's torch has no schedulefree package; the reference is"
                    + " the float64 TextbookAdamWScheduleFree, written from Defazio et al. 2024, Algorithm 1, with the"
                    + " package's bias correction, averaging weights and decay at y",
            "LBFGS", "steps with a closure that re-evaluates the objective at the points it chooses, so recorded"
                    + " gradients cannot drive it; its PyTorch trajectories record the objective instead"
                    + " (torch_lbfgs_golden.json.gz, generate_lbfgs_golden.py) and LbfgsGoldenTest replays them bit"
                    + " for bit",
            "Adafactor", "torch.optim.Adafactor is new in torch 2.5 and Debian's torch 1.13 has none; the reference is"
                    + " the float64 TextbookAdafactor, written from Shazeer and Stern 2018 (Algorithms 4 and 5) with"
                    + " the conventions of PyTorch's documented algorithm (means, lr as the relative step's cap, eps1"
                    + " on the row mean and under the root)",
            "Muon", "torch.optim.Muon is new in torch 2.9 and Debian's torch 1.13 has none (and torch iterates"
                    + " Newton-Schulz in bfloat16, vecopt in float32); the reference is the float64 TextbookMuon, written"
                    + " from Keller Jordan's Muon and PyTorch's documented algorithm");

    /** The registered rules that must have golden cases. */
    static List<String> rulesWithGoldenCases() {
        return Rules.all().stream().map(Rule::torchName).filter(r -> !WITHOUT_GOLDEN_CASES.containsKey(r)).toList();
    }

    @Test
    void fixturesCoverEveryRegisteredRule() throws IOException {
        Map<String, Long> perOptimizer = cases().stream()
                .collect(Collectors.groupingBy(TrajectoryCase::optimizer, TreeMap::new, Collectors.counting()));
        for (String rule : rulesWithGoldenCases()) {
            assertTrue(perOptimizer.getOrDefault(rule, 0L) >= 3, rule + " has too few golden cases (add them to"
                    + " generate_golden.py, or state why it has none in WITHOUT_GOLDEN_CASES): " + perOptimizer);
        }
    }

    @Test
    void everyRuleHasLongRunsWithWideAndMixedGradients() throws IOException {
        Map<String, Set<String>> kindsOfLongRuns = cases().stream()
                .filter(c -> c.steps() >= 100 && c.size() >= 67 && c.size() <= 133)
                .collect(Collectors.groupingBy(TrajectoryCase::optimizer, TreeMap::new,
                        Collectors.mapping(c -> c.name().substring(c.name().lastIndexOf('/') + 1), Collectors.toSet())));
        for (String rule : rulesWithGoldenCases()) {
            assertTrue(kindsOfLongRuns.getOrDefault(rule, Set.of()).containsAll(Set.of("wide", "mixed")),
                    rule + " lacks a long run with wide or with mixed gradients: " + kindsOfLongRuns);
        }
    }

    @Test
    void longSgdRunsCoverEveryOptionOfTheMomentumBuffer() throws IOException {
        List<Map<String, Object>> longSgd = cases().stream()
                .filter(c -> c.optimizer().equals("SGD") && c.steps() >= 100)
                .map(TrajectoryCase::hyper).toList();
        for (String option : List.of("momentum", "dampening", "nesterov", "weight_decay", "maximize")) {
            assertTrue(longSgd.stream().anyMatch(h -> h.containsKey(option)), "no long SGD run with " + option);
        }
        assertTrue(longSgd.stream().anyMatch(h -> h.containsKey("momentum") && h.containsKey("weight_decay")
                && h.containsKey("maximize")), "no long SGD run combining momentum, weight decay and maximize");
    }

    @Test
    void panamaIsReplayedWhenTheVectorModuleIsThere() {
        boolean moduleThere = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(moduleThere ? 2 : 1, kernelPaths().count());
    }
}
