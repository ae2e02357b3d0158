package vecopt.engine.kernels;

/**
 * Picks the kernels for this JVM once, on first use; hold the result in a {@code static final} field.
 *
 * <p>Switches, read once: {@code -Dvecopt.kernels=auto|scalar|panama} (default auto) and
 * {@code -Dvecopt.vectorBitSize=128|256|512} (default: 256, or the widest the hardware has if
 * narrower; on AVX-512 the 256-bit kernels measured faster, the divider being the limit in cache).
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
        } catch (java.lang.reflect.InvocationTargetException e) {
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
