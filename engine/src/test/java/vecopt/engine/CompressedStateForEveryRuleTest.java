package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.tensor.BFloat16;
import vecopt.tensor.BlockwiseQuantizer;
import vecopt.tensor.DType;
import vecopt.tensor.FloatTensor;
import vecopt.tensor.QuantizationMap;
import vecopt.tensor.SegmentTensor;

/**
 * Compressed state for every registered rule that marks compressible buffers, with no list of rules
 * of its own: each step equals the rule's float32 step from its state decoded, and the state stored
 * after it is the float32 state encoded, as the tensor module's {@link BFloat16} and
 * {@link BlockwiseQuantizer} encode it; stochastic rounding gives the same bits for any threads and
 * split and rounds each element to a neighbour of its float32 value; checkpoints resume bit for bit.
 * Which rules mark compressible buffers is checked against their plans: every rule whose step is one
 * element-wise pass marks some, unless listed below with the reason; no other rule marks any.
 */
class CompressedStateForEveryRuleTest {

    /**
     * Rules whose step is one element-wise pass over state that is not moments, so they keep float32
     * state: Rprop's state is the previous gradient, read only through its sign, and step sizes that
     * are the update itself (8-bit codes would round small gradients to zero and a sign change to
     * none); SGDScheduleFree's only state is the iterate z, which eval() and train() turn into the
     * weights (storing it rounded rounds the model).
     */
    private static final Map<String, String> ONE_PASS_WITHOUT_MOMENTS = Map.of(
            "Rprop", "previous gradient and step sizes, not moments",
            "SGDScheduleFree", "the iterate z, not a moment");

    /**
     * Three parameters: 70,001 elements (two blocks of the block path, a tail of 113 past the last whole
     * 8-bit block), 5,000 (above {@link BlockwiseQuantizer#MIN_QUANTIZED_SIZE}, a tail of 136) and
     * 40 (float32 state under the 8-bit format).
     */
    private static final int[] SIZES = {70_001, 5000, 40};

    private static final StateFormat[] DETERMINISTIC = {StateFormat.bfloat16(), StateFormat.blockwise8bit(),
            StateFormat.blockwise8bit(192)};

    static Stream<Arguments> compressibleCases() {
        return RuleCases.steppedWithGradients().filter(a -> rule(a).compressesState());
    }

    /** The compressible cases of rules without fused kernels over compressed state (and Adam's AMSGrad). */
    static Stream<Arguments> blockPathCases() {
        return compressibleCases().filter(a -> !List.of("Adam", "AdamW", "SGD", "Lion").contains(a.get()[0])
                || ((Map<?, ?>) a.get()[1]).containsKey("amsgrad"));
    }

    private static Rule rule(Arguments a) {
        return Rules.get((String) a.get()[0]);
    }

    private static List<Parameter> parameters(String torchClass) {
        return RuleCases.parameters(torchClass, 3, SIZES);
    }

    private static List<Parameter> copies(List<Parameter> ps) {
        return ps.stream().map(p -> Parameter.of(p.name(), p.value().copy())).toList();
    }

    private static QuantizationMap map(boolean signed) {
        return signed ? QuantizationMap.dynamicSigned() : QuantizationMap.dynamicUnsigned();
    }

    /** {@code x} as the format stores it, decoded again: bfloat16 to nearest, or 8-bit in blocks from element 0. */
    private static void roundTrip(StateFormat format, boolean signed, float[] x) {
        if (format.kind() == StateFormat.Kind.BFLOAT16) {
            for (int i = 0; i < x.length; i++) {
                x[i] = BFloat16.toFloat(BFloat16.fromFloat(x[i]));
            }
            return;
        }
        BlockwiseQuantizer q = new BlockwiseQuantizer(map(signed), format.blockSize());
        byte[] codes = new byte[x.length];
        float[] absmax = new float[(int) q.blocks(x.length)];
        q.quantize(x, 0, codes, 0, absmax, 0, x.length);
        q.dequantize(codes, 0, absmax, 0, x, 0, x.length);
    }

    /** Asserts that {@code stored} holds {@code x} encoded as the format encodes it. */
    private static void assertEncodes(StateFormat format, boolean signed, float[] x, CompressedBuffer stored, String what) {
        assertNotNull(stored, what + " is not stored compressed");
        if (format.kind() == StateFormat.Kind.BFLOAT16) {
            short[] expected = new short[x.length];
            for (int i = 0; i < x.length; i++) {
                expected[i] = BFloat16.fromFloat(x[i]);
            }
            assertArrayEquals(expected, ((CompressedBuffer.BFloat16Buffer) stored).bits(), what);
            return;
        }
        BlockwiseQuantizer q = new BlockwiseQuantizer(map(signed), format.blockSize());
        byte[] codes = new byte[x.length];
        float[] absmax = new float[(int) q.blocks(x.length)];
        q.quantize(x, 0, codes, 0, absmax, 0, x.length);
        CompressedBuffer.BlockwiseBuffer b = (CompressedBuffer.BlockwiseBuffer) stored;
        assertEquals(signed, b.signed(), what);
        assertArrayEquals(absmax, b.absmax(), what + " scales");
        assertArrayEquals(codes, b.codes(), what + " codes");
    }

    /** {@code o}'s hyperparameters of {@code p}. */
    private static Hyperparameters hyperparameters(Optimizer o, Parameter p) {
        return o.paramGroups().stream().filter(g -> g.parameters().contains(p)).findFirst().orElseThrow().hyperparameters();
    }

    @Test
    void someRuleTakesTheBlockPath() {
        Map<String, Long> rules = blockPathCases().collect(Collectors.groupingBy(a -> (String) a.get()[0],
                Collectors.counting()));
        assertTrue(rules.keySet().containsAll(List.of("NAdam", "RAdam", "Adamax", "AdaBelief", "Yogi", "ADOPT",
                "AdEMAMix", "RMSprop", "Adagrad", "Adadelta", "ASGD", "Adam", "AdamW")), rules.toString());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("compressibleCases")
    void everyStepIsTheFloat32StepFromTheDecodedStateAndStoresItsStateEncoded(String torchClass, Map<String, ?> kwargs) {
        Rule rule = Rules.get(torchClass);
        for (StateFormat format : DETERMINISTIC) {
            String what = torchClass + " " + kwargs + " " + format;
            List<Parameter> a = parameters(torchClass);
            List<Parameter> r = copies(a);
            Optimizer tested = RuleCases.create(torchClass, kwargs, a);
            tested.setStateFormat(format);
            Optimizer reference = RuleCases.create(torchClass, kwargs, r);
            reference.allocateState();
            for (int t = 0; t < 3; t++) {
                RuleCases.randomGradients(a, new SplittableRandom(900 + t));
                RuleCases.copyGradients(a, r);
                for (Parameter p : r) { // the state the tested optimizer holds: the float32 state encoded and decoded
                    if (format.compresses(p.size())) {
                        for (Map.Entry<String, Boolean> e : rule.compressibleBuffers().entrySet()) {
                            float[] b = reference.state(p.name()).buffer(e.getKey());
                            if (b != null) {
                                roundTrip(format, e.getValue(), b);
                            }
                        }
                    }
                }
                tested.step();
                reference.step();
                for (int k = 0; k < a.size(); k++) {
                    assertArrayEquals(r.get(k).value().toArray(), a.get(k).value().toArray(),
                            what + " step " + (t + 1) + " " + a.get(k).name());
                }
            }
            for (Parameter p : r) {
                ParameterState expected = reference.state(p.name());
                ParameterState stored = tested.state(p.name());
                assertEquals(expected.scalars(), stored.scalars(), what + " " + p.name());
                for (Map.Entry<String, float[]> e : expected.buffers().entrySet()) {
                    Boolean signed = rule.compressibleBuffers().get(e.getKey());
                    String buffer = what + " " + p.name() + " " + e.getKey();
                    if (signed != null && format.compresses(p.size())) {
                        assertNull(stored.buffer(e.getKey()), buffer);
                        assertEncodes(format, signed, e.getValue(), stored.compressedBuffer(e.getKey()), buffer);
                    } else {
                        assertArrayEquals(e.getValue(), stored.buffer(e.getKey()), buffer);
                    }
                }
            }
        }
    }

    /** Values and stored state bits of {@code torchClass} with bfloat16 stochastic state after three steps on {@code executor}. */
    private static List<Object> stochasticRun(String torchClass, Map<String, ?> kwargs, ChunkedExecutor executor) {
        List<Parameter> a = parameters(torchClass);
        Optimizer o = RuleCases.create(torchClass, kwargs, a);
        o.setStateFormat(StateFormat.bfloat16Stochastic(11));
        o.setExecutor(executor);
        for (int t = 0; t < 3; t++) {
            RuleCases.randomGradients(a, new SplittableRandom(700 + t));
            o.step();
        }
        List<Object> result = new ArrayList<>();
        for (Parameter p : a) {
            result.add(p.value().toArray());
            o.state(p.name()).compressedBuffers().forEach((name, b) -> result.add(((CompressedBuffer.BFloat16Buffer) b).bits()));
        }
        return result;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("compressibleCases")
    void stochasticRoundingGivesTheSameBitsForAnyThreadsAndSplit(String torchClass, Map<String, ?> kwargs) {
        List<Object> one = stochasticRun(torchClass, kwargs, ChunkedExecutor.callingThread());
        for (int[] threadsAndMin : new int[][] {{2, 1024}, {3, 4096}}) {
            try (ChunkedExecutor executor = ChunkedExecutor.withThreads(threadsAndMin[0], threadsAndMin[1])) {
                List<Object> split = stochasticRun(torchClass, kwargs, executor);
                assertEquals(one.size(), split.size());
                for (int i = 0; i < one.size(); i++) {
                    String what = torchClass + " " + kwargs + " on " + threadsAndMin[0] + " threads, array " + i;
                    if (one.get(i) instanceof float[] f) {
                        assertArrayEquals(f, (float[]) split.get(i), what);
                    } else {
                        assertArrayEquals((short[]) one.get(i), (short[]) split.get(i), what);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("compressibleCases")
    void stochasticRoundingStoresEachElementAsANeighbourOfItsFloat32Value(String torchClass, Map<String, ?> kwargs) {
        Rule rule = Rules.get(torchClass);
        List<Parameter> a = parameters(torchClass);
        List<Parameter> r = copies(a);
        Optimizer tested = RuleCases.create(torchClass, kwargs, a);
        tested.setStateFormat(StateFormat.bfloat16Stochastic(3));
        tested.allocateState();
        Optimizer reference = RuleCases.create(torchClass, kwargs, r);
        reference.allocateState();
        long roundedUp = 0;
        long inexact = 0;
        for (int t = 0; t < 3; t++) {
            RuleCases.randomGradients(a, new SplittableRandom(800 + t));
            RuleCases.copyGradients(a, r);
            for (Parameter p : a) { // the reference steps from the tested optimizer's state, decoded
                tested.state(p.name()).compressedBuffers().forEach((name, b) -> {
                    short[] bits = ((CompressedBuffer.BFloat16Buffer) b).bits();
                    float[] f = reference.state(p.name()).buffer(name);
                    for (int i = 0; i < bits.length; i++) {
                        f[i] = BFloat16.toFloat(bits[i]);
                    }
                });
            }
            tested.step();
            reference.step();
            for (int k = 0; k < a.size(); k++) {
                Parameter p = a.get(k);
                String what = torchClass + " " + kwargs + " step " + (t + 1) + " " + p.name();
                assertArrayEquals(r.get(k).value().toArray(), p.value().toArray(), what);
                for (String name : rule.compressibleBuffers().keySet()) {
                    CompressedBuffer b = tested.state(p.name()).compressedBuffer(name);
                    if (b == null) {
                        continue;
                    }
                    short[] bits = ((CompressedBuffer.BFloat16Buffer) b).bits();
                    float[] f = reference.state(p.name()).buffer(name);
                    for (int i = 0; i < bits.length; i++) {
                        int x = Float.floatToRawIntBits(f[i]);
                        short toward0 = (short) (x >>> 16);
                        boolean exact = (x & 0xFFFF) == 0;
                        boolean up = !exact && bits[i] == (short) (toward0 + 1);
                        assertTrue(bits[i] == toward0 || up, what + " " + name + "[" + i + "]: " + f[i]
                                + " stored as " + BFloat16.toFloat(bits[i]));
                        inexact += exact ? 0 : 1;
                        roundedUp += up ? 1 : 0;
                    }
                }
            }
        }
        if (inexact > 1000) { // the rounding is random: neither always toward zero nor always away
            assertTrue(roundedUp > inexact / 4 && roundedUp < inexact * 3 / 4, roundedUp + " of " + inexact + " rounded up");
        }
    }

    /**
     * Whether every step the case plans is one element-wise pass: planned for a parameter with state,
     * on the stepping thread, as {@link Optimizer#step()} plans it. Closure rules (LBFGS) step themselves.
     */
    private static boolean stepIsOneElementWisePass(String torchClass, Map<String, ?> kwargs) {
        if (Rules.get(torchClass).needsClosure()) {
            return false;
        }
        List<Parameter> ps = RuleCases.parameters(torchClass, 5, 300);
        Optimizer o = RuleCases.create(torchClass, kwargs, ps);
        o.allocateState();
        Parameter p = ps.getFirst();
        StepPlan plan = o.plan(p, o.state(p.name()), hyperparameters(o, p), 1, StepContext.NONE);
        StepPlan.Pass pass = plan.passes().getFirst();
        return plan.passes().size() == 1 && pass.splittable() && !pass.writesWeights() && 64 % pass.alignment() == 0;
    }

    @Test
    void everyRuleWhoseStepIsOneElementWisePassMarksItsMomentsCompressible() {
        Map<String, Boolean> onePass = new LinkedHashMap<>();
        RuleCases.all().forEach(a -> onePass.merge((String) a.get()[0],
                stepIsOneElementWisePass((String) a.get()[0], (Map<String, ?>) a.get()[1]), Boolean::logicalAnd));
        for (Rule rule : Rules.all()) {
            String name = rule.torchName();
            assertTrue(onePass.containsKey(name), name + " has no case in RuleCases");
            if (!onePass.get(name)) {
                assertFalse(rule.compressesState(), name + " marks " + rule.compressibleBuffers().keySet()
                        + " compressible, but its step is not one element-wise pass in every case");
                assertNotNull(rule.compressedStateRefusal(), name);
            } else if (ONE_PASS_WITHOUT_MOMENTS.containsKey(name)) {
                assertFalse(rule.compressesState(), name + " is listed as keeping no moments: "
                        + ONE_PASS_WITHOUT_MOMENTS.get(name));
            } else {
                assertTrue(rule.compressesState(), name + "'s step is one element-wise pass over "
                        + rule.buffers().stream().map(Rule.Buffer::name).toList() + ", but it marks no buffer"
                        + " compressible (Rule.Builder.compressible / compressibleNonNegative)");
            }
        }
    }

    @Test
    void rulesOfSeveralPassesRefuseCompressedStateSayingWhyAndChangeNothing() {
        for (String torchClass : List.of("LAMB", "LARS", "Adafactor", "Muon", "LBFGS")) {
            Rule rule = Rules.get(torchClass);
            List<Parameter> ps = RuleCases.parameters(torchClass, 6, 64);
            Optimizer o = RuleCases.create(torchClass, Map.of(), ps);
            for (StateFormat format : new StateFormat[] {StateFormat.bfloat16(), StateFormat.blockwise8bit()}) {
                String message = assertThrows(IllegalArgumentException.class, () -> o.setStateFormat(format)).getMessage();
                assertEquals(torchClass + " cannot store its state as " + format + ", only as float32: "
                        + rule.compressedStateRefusal(), message);
                assertTrue(rule.compressedStateRefusal().contains("pass") || rule.compressedStateRefusal().contains("history"),
                        rule.compressedStateRefusal());
                assertEquals(StateFormat.float32(), o.stateFormat(), torchClass);
            }
            o.allocateState();
            assertTrue(o.state(ps.getFirst().name()).compressedBuffers().isEmpty(), torchClass);
        }
    }

    @Test
    void radamKeepsEightFourOrTwoBytesOfStatePerElement() {
        int n = 1 << 16;
        Map<StateFormat, Long> expected = Map.of(StateFormat.float32(), 8L * n, StateFormat.bfloat16(), 4L * n,
                StateFormat.bfloat16Stochastic(1), 4L * n,
                StateFormat.blockwise8bit(), 2L * n + 2L * 4 * n / 256,   // two moments: a byte each, a float per block
                StateFormat.blockwise8bit(64), 2L * n + 2L * 4 * n / 64);
        expected.forEach((format, bytes) -> {
            Parameter w = Parameter.of("w", FloatTensor.randomNormal(1, n));
            RAdam radam = new RAdam(List.of(w), RAdam.defaults());
            radam.setStateFormat(format);
            radam.allocateState();
            assertEquals(bytes, radam.state("w").stateBytes(), format.toString());
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("blockPathCases")
    void everyBlockPathRuleResumesBitForBitFromACheckpointFile(String torchClass, Map<String, ?> kwargs,
                                                               @TempDir Path dir) throws Exception {
        for (StateFormat format : new StateFormat[] {StateFormat.bfloat16Stochastic(5), StateFormat.blockwise8bit()}) {
            String what = torchClass + " " + kwargs + " " + format;
            List<Parameter> a = parameters(torchClass);
            Optimizer running = RuleCases.create(torchClass, kwargs, a);
            running.setStateFormat(format);
            for (int t = 0; t < 2; t++) {
                RuleCases.randomGradients(a, new SplittableRandom(600 + t));
                running.step();
            }
            Path file = dir.resolve(format.kind() + ".safetensors");
            Checkpoints.save(running, file);
            List<Parameter> b = copies(a);
            Optimizer resumed = RuleCases.create(torchClass, kwargs, b);
            Checkpoints.load(resumed, file);
            assertEquals(format, resumed.stateFormat(), what);
            for (int t = 2; t < 5; t++) {
                RuleCases.randomGradients(a, new SplittableRandom(600 + t));
                RuleCases.copyGradients(a, b);
                running.step();
                resumed.step();
            }
            for (int k = 0; k < a.size(); k++) {
                String p = a.get(k).name();
                assertArrayEquals(a.get(k).value().toArray(), b.get(k).value().toArray(), what + " " + p);
                Map<String, CompressedBuffer> one = running.state(p).compressedBuffers();
                Map<String, CompressedBuffer> two = resumed.state(p).compressedBuffers();
                assertEquals(one.keySet(), two.keySet(), what + " " + p);
                for (String name : one.keySet()) {
                    if (one.get(name) instanceof CompressedBuffer.BFloat16Buffer x) {
                        assertArrayEquals(x.bits(), ((CompressedBuffer.BFloat16Buffer) two.get(name)).bits(), what + " " + name);
                    } else {
                        CompressedBuffer.BlockwiseBuffer x = (CompressedBuffer.BlockwiseBuffer) one.get(name);
                        CompressedBuffer.BlockwiseBuffer y = (CompressedBuffer.BlockwiseBuffer) two.get(name);
                        assertArrayEquals(x.codes(), y.codes(), what + " " + name);
                        assertArrayEquals(x.absmax(), y.absmax(), what + " " + name);
                    }
                }
            }
        }
    }

    @Test
    void mixedPrecisionParametersTakeTheBlockPathOnTheirMasterCopy() {
        int n = 5000;
        for (String torchClass : List.of("NAdam", "RAdam", "RMSprop")) {
            for (StateFormat format : new StateFormat[] {StateFormat.bfloat16Stochastic(9), StateFormat.blockwise8bit()}) {
                SplittableRandom random = new SplittableRandom(21);
                short[] w = new short[n];
                float[] widened = new float[n];
                for (int i = 0; i < n; i++) {
                    w[i] = BFloat16.fromFloat((float) random.nextGaussian());
                    widened[i] = BFloat16.toFloat(w[i]);
                }
                Parameter mixedParameter = Parameter.mixed("w",
                        SegmentTensor.wrap(MemorySegment.ofArray(w), DType.BFLOAT16, n), FloatTensor.zeros(n));
                Parameter plainParameter = Parameter.of("w", FloatTensor.of(widened));
                Optimizer mixed = Optimizers.fromTorch(torchClass, List.of(mixedParameter), Map.of("lr", 0.01));
                Optimizer plain = Optimizers.fromTorch(torchClass, List.of(plainParameter), Map.of("lr", 0.01));
                mixed.setStateFormat(format);
                plain.setStateFormat(format);
                for (int t = 0; t < 3; t++) {
                    RuleCases.randomGradients(List.of(plainParameter), new SplittableRandom(40 + t));
                    mixedParameter.grad().copyFrom(plainParameter.grad());
                    mixed.step();
                    plain.step();
                }
                float[] master = mixed.state("w").buffer(Optimizer.MASTER);
                String what = torchClass + " " + format;
                assertArrayEquals(plainParameter.value().toArray(), master, what);
                for (int i = 0; i < n; i++) {
                    assertEquals(BFloat16.fromFloat(master[i]), w[i], what + " weight " + i);
                }
                assertFalse(mixed.state("w").compressedBuffers().isEmpty(), what);
            }
        }
    }

    /**
     * A user's rule, outside the registry: heavy-ball momentum {@code m = beta * m + g, p -= lr * m},
     * its buffer marked compressible; {@code twoPasses} splits the step into two passes (wrongly, for a
     * rule that marks compressible buffers).
     */
    static final class HeavyBall extends Optimizer {
        static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
                List.of(Hyperparameter.atLeast("lr", 0.1, 0), Hyperparameter.flag("two_passes", false)), h -> { });
        static final Rule RULE = Rule.builder("HeavyBall", DEFAULTS, HeavyBall::new)
                .buffer("m").compressible("m").build();

        HeavyBall(List<Parameter> parameters, Hyperparameters h) {
            super(RULE, parameters, h);
        }

        @Override
        protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext c) {
            float[] m = state.buffer("m");
            float lr = (float) h.get("lr");
            StepPlan.ParameterKernel momentum = (v, vOff, g, gOff, from, n) -> {
                for (int i = 0; i < n; i++) {
                    m[from + i] = 0.9f * m[from + i] + g[gOff + i];
                }
            };
            StepPlan.ParameterKernel update = (v, vOff, g, gOff, from, n) -> {
                for (int i = 0; i < n; i++) {
                    v[vOff + i] -= lr * m[from + i];
                }
            };
            if (h.flag("two_passes")) {
                return StepPlan.of(StepPlan.Pass.elementWise(momentum), StepPlan.Pass.elementWise(update));
            }
            return StepPlan.of((v, vOff, g, gOff, from, n) -> {
                momentum.run(v, vOff, g, gOff, from, n);
                update.run(v, vOff, g, gOff, from, n);
            });
        }
    }

    @Test
    void aUsersRuleThatMarksItsMomentumCompressibleStoresItWithNoKernelOfItsOwn() {
        Parameter a = Parameter.of("w", FloatTensor.randomNormal(4, 70_001));
        Parameter r = Parameter.of("w", a.value().copy());
        HeavyBall tested = new HeavyBall(List.of(a), HeavyBall.DEFAULTS);
        tested.setStateFormat(StateFormat.bfloat16());
        HeavyBall reference = new HeavyBall(List.of(r), HeavyBall.DEFAULTS);
        reference.allocateState();
        for (int t = 0; t < 3; t++) {
            RuleCases.randomGradients(List.of(a), new SplittableRandom(30 + t));
            RuleCases.copyGradients(List.of(a), List.of(r));
            roundTrip(StateFormat.bfloat16(), true, reference.state("w").buffer("m"));
            tested.step();
            reference.step();
            assertArrayEquals(r.value().toArray(), a.value().toArray(), "step " + (t + 1));
        }
        assertEncodes(StateFormat.bfloat16(), true, reference.state("w").buffer("m"),
                tested.state("w").compressedBuffer("m"), "m");
    }

    @Test
    void aRuleThatMarksCompressibleBuffersButStepsInTwoPassesIsRefusedAtItsFirstStepAndNothingChanges() {
        Parameter v = Parameter.of("v", FloatTensor.randomNormal(5, 300));
        v.grad().fill(0.5f);
        float[] before = v.value().toArray();
        HeavyBall refused = new HeavyBall(List.of(v), HeavyBall.DEFAULTS.with("two_passes", true));
        refused.setStateFormat(StateFormat.bfloat16());
        assertEquals("HeavyBall marks m compressible, but its step of v is not one element-wise pass (2 passes), so"
                + " its state cannot be decoded block by block; store it as float32",
                assertThrows(IllegalStateException.class, refused::step).getMessage());
        assertArrayEquals(before, v.value().toArray());
        assertNull(refused.state("v"));

        // under 8-bit a parameter below 4096 elements keeps float32 state, which any plan may step
        Parameter w = Parameter.of("w", FloatTensor.randomNormal(5, 300));
        w.grad().fill(0.5f);
        HeavyBall small = new HeavyBall(List.of(w), HeavyBall.DEFAULTS.with("two_passes", true));
        small.setStateFormat(StateFormat.blockwise8bit(64));
        small.step();
        assertTrue(small.state("w").compressedBuffers().isEmpty());
        assertEquals(before[0] - 0.1f * 0.5f, w.value().getFlat(0), "p - lr * (0.9 * 0 + g)");
    }
}
