package vecopt.engine.kernels;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import vecopt.engine.Rule;

/**
 * Picks the kernels for this JVM once, on first use; hold the result in a {@code static final} field.
 *
 * <p>Switches, read once: {@code -Dvecopt.kernels=auto|scalar|panama} (default auto) and
 * {@code -Dvecopt.vectorBitSize=128|256|512} (default: 256, or the widest the hardware has if
 * narrower). Without {@code -Dvecopt.vectorBitSize}, on a CPU with 512-bit vectors, each built-in
 * rule runs its kernels at the width measured fastest for it ({@link #forRule}: the rule's
 * {@link Rule#preferredVectorBits()}); the same bits at every width.
 * In auto mode Panama is used when {@code jdk.incubator.vector} is readable and the Panama class
 * accepts this CPU and JVM (its constructor refuses vectors narrower than 128 bits and a JVM without
 * C2); otherwise the scalar kernels, with one log line saying why and how to enable SIMD.
 *
 * <p>The choice lives in a holder class, initialized on the first {@link #get()}: no class this
 * provider loads can see it half-initialized, whichever kernel class a program touches first.
 */
public final class OptimizerKernelsProvider {

    private static final String PANAMA_CLASS = "vecopt.engine.kernels.PanamaOptimizerKernels";
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    private OptimizerKernelsProvider() {
    }

    /** The chosen kernels, or why none could be chosen; built once, when first asked for. */
    private static final class Holder {
        static final Choice CHOICE = choose();
    }

    private record Choice(OptimizerKernels kernels, String failure) {
    }

    /**
     * The kernels this JVM uses.
     *
     * @throws IllegalStateException if {@code -Dvecopt.kernels} or {@code -Dvecopt.vectorBitSize} is
     *     invalid, or Panama was asked for where it cannot run
     */
    public static OptimizerKernels get() {
        Choice choice = Holder.CHOICE;
        if (choice.kernels() == null) {
            throw new IllegalStateException(choice.failure());
        }
        return choice.kernels();
    }

    /**
     * The kernels {@code rule} runs: {@link #get()}, except on a CPU with 512-bit vectors and no
     * {@code -Dvecopt.vectorBitSize}, where the Panama kernels run at the rule's
     * {@link Rule#preferredVectorBits()} (when it states one). One instance per width, made on first
     * use; if a width cannot be made (a JVM that refuses hidden classes), {@link #get()} with one log line.
     *
     * @param rule the rule
     * @return the kernels; the same object for every call with the same width
     * @throws IllegalStateException as {@link #get()}
     */
    public static OptimizerKernels forRule(Rule rule) {
        OptimizerKernels kernels = get();
        if (!kernels.name().equals("panama") || KernelSettings.REQUESTED_BIT_SIZE != 0) {
            return kernels;
        }
        int bits = widthFor(rule.preferredVectorBits(), Widths.HARDWARE_BITS, kernels.vectorBitSize());
        return bits == kernels.vectorBitSize() ? kernels : Widths.COPIES.computeIfAbsent(bits, Widths::copy);
    }

    /** Hardware vectors at least this wide let each rule run its {@link Rule#preferredVectorBits()}. */
    static final int PREFERENCE_HARDWARE_BITS = 512;

    /**
     * The width a rule preferring {@code preferredBits} (0: none) runs at on hardware {@code hardwareBits}
     * wide whose default width is {@code defaultBits}: its preference on 512-bit hardware, never wider
     * than the hardware, else the default.
     */
    static int widthFor(int preferredBits, int hardwareBits, int defaultBits) {
        if (hardwareBits < PREFERENCE_HARDWARE_BITS || preferredBits == 0) {
            return defaultBits;
        }
        return Math.min(hardwareBits, preferredBits);
    }

    /** The Panama kernels at widths other than {@link #get()}'s; loaded only by {@link #forRule} under Panama. */
    private static final class Widths {
        static final int HARDWARE_BITS = (int) callPanama("preferredBitSize", new Class<?>[0]);
        static final Map<Integer, OptimizerKernels> COPIES = new ConcurrentHashMap<>();

        static OptimizerKernels copy(int bits) {
            try {
                return (OptimizerKernels) callPanama("atWidth", new Class<?>[] {int.class}, bits);
            } catch (RuntimeException e) {
                System.getLogger(OptimizerKernelsProvider.class.getName()).log(System.Logger.Level.WARNING,
                        "vecopt: no " + bits + "-bit Panama kernels (" + e + "); using " + get().vectorBitSize()
                                + " bits");
                return get();
            }
        }

        private static Object callPanama(String method, Class<?>[] types, Object... args) {
            try {
                return Class.forName(PANAMA_CLASS).getDeclaredMethod(method, types).invoke(null, args);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The scalar kernels, whatever the JVM supports. */
    public static OptimizerKernels scalar() {
        return ScalarOptimizerKernels.INSTANCE;
    }

    private static Choice choose() {
        if (KernelSettings.REQUESTED_BIT_SIZE < 0) {
            return new Choice(null, "-D" + KernelSettings.BIT_SIZE_PROPERTY + " must be 128, 256 or 512, got "
                    + KernelSettings.BIT_SIZE_TEXT);
        }
        return switch (KernelSettings.MODE) {
            case "scalar" -> new Choice(ScalarOptimizerKernels.INSTANCE, null);
            case "panama" -> {
                PanamaAttempt attempt = tryPanama();
                yield attempt.kernels() != null ? new Choice(attempt.kernels(), null)
                        : new Choice(null, "-D" + KernelSettings.KERNELS_PROPERTY + "=panama, but " + attempt.why());
            }
            case "auto" -> {
                PanamaAttempt attempt = tryPanama();
                if (attempt.kernels() != null) {
                    yield new Choice(attempt.kernels(), null);
                }
                System.getLogger(OptimizerKernelsProvider.class.getName())
                        .log(System.Logger.Level.INFO, "vecopt uses scalar kernels: " + attempt.why());
                yield new Choice(ScalarOptimizerKernels.INSTANCE, null);
            }
            default -> new Choice(null, "-D" + KernelSettings.KERNELS_PROPERTY + " must be auto, scalar or panama, got "
                    + KernelSettings.MODE);
        };
    }

    private record PanamaAttempt(OptimizerKernels kernels, String why) {
    }

    /** The Panama kernels, or why they cannot run here and what to do. */
    private static PanamaAttempt tryPanama() {
        Module vector = ModuleLayer.boot().findModule(VECTOR_MODULE).orElse(null);
        if (vector == null) {
            return new PanamaAttempt(null, "the Java Vector API is not enabled; to use SIMD kernels, start java with"
                    + " --add-modules " + VECTOR_MODULE);
        }
        Module self = OptimizerKernelsProvider.class.getModule();
        if (!self.canRead(vector)) {
            self.addReads(vector);
        }
        OptimizerKernels kernels;
        try {
            kernels = (OptimizerKernels) Class.forName(PANAMA_CLASS).getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            return new PanamaAttempt(null, e.getCause().getMessage());
        } catch (ReflectiveOperationException | LinkageError e) {
            return new PanamaAttempt(null, "the Vector API failed to load (" + e + ")");
        }
        int requested = KernelSettings.REQUESTED_BIT_SIZE;
        if (requested != 0 && kernels.vectorBitSize() != requested) {
            System.getLogger(OptimizerKernelsProvider.class.getName()).log(System.Logger.Level.WARNING,
                    "vecopt: " + KernelSettings.BIT_SIZE_PROPERTY + "=" + requested
                            + " is wider than this CPU's vectors; using " + kernels.vectorBitSize() + " bits");
        }
        return new PanamaAttempt(kernels, null);
    }
}
