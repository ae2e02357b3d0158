package vecopt.engine.kernels;

import java.lang.management.ManagementFactory;

/**
 * Picks the kernels for this JVM once, at class initialization; hold the result in a
 * {@code static final} field.
 *
 * <p>Switches, read once: {@code -Dvecopt.kernels=auto|scalar|panama} (default auto) and
 * {@code -Dvecopt.vectorBitSize=128|256|512} (default: 256, or the widest the hardware has if
 * narrower; on AVX-512 the 256-bit kernels measured faster, the divider being the limit in cache).
 * In auto mode Panama is used when {@code jdk.incubator.vector} is readable, C2 is compiling and the
 * hardware has vectors of at least 128 bits; otherwise the scalar kernels, with one log line saying
 * how to enable SIMD.
 */
public final class OptimizerKernelsProvider {

    static final String KERNELS_PROPERTY = "vecopt.kernels";
    static final String BIT_SIZE_PROPERTY = "vecopt.vectorBitSize";
    private static final String PANAMA_CLASS = "vecopt.engine.kernels.PanamaOptimizerKernels";
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    private static final System.Logger LOG = System.getLogger(OptimizerKernelsProvider.class.getName());

    /** Requested width from {@code -Dvecopt.vectorBitSize}, 0 for the default, -1 if invalid. */
    static final int REQUESTED_BIT_SIZE = requestedBitSize(System.getProperty(BIT_SIZE_PROPERTY));

    private static final OptimizerKernels KERNELS;
    private static final String FAILURE;

    static {
        OptimizerKernels chosen = null;
        String failure = null;
        String mode = System.getProperty(KERNELS_PROPERTY, "auto");
        if (REQUESTED_BIT_SIZE < 0) {
            mode = "invalid bit size";
        }
        switch (mode) {
            case "scalar" -> chosen = ScalarOptimizerKernels.INSTANCE;
            case "panama" -> {
                String why = panamaUnavailableReason();
                if (why == null) {
                    chosen = loadPanama();
                } else {
                    failure = "-D" + KERNELS_PROPERTY + "=panama, but " + why;
                }
            }
            case "auto" -> {
                String why = panamaUnavailableReason();
                if (why == null) {
                    chosen = loadPanama();
                } else {
                    chosen = ScalarOptimizerKernels.INSTANCE;
                    LOG.log(System.Logger.Level.INFO, "vecopt uses scalar kernels: " + why);
                }
            }
            case "invalid bit size" -> failure = BIT_SIZE_PROPERTY + " must be 128, 256 or 512, got "
                    + System.getProperty(BIT_SIZE_PROPERTY);
            default -> failure = KERNELS_PROPERTY + " must be auto, scalar or panama, got " + mode;
        }
        KERNELS = chosen;
        FAILURE = failure;
    }

    private OptimizerKernelsProvider() {
    }

    /**
     * The kernels this JVM uses.
     *
     * @throws IllegalStateException if {@code -Dvecopt.kernels} is invalid, or asks for Panama where
     *     it cannot run
     */
    public static OptimizerKernels get() {
        if (KERNELS == null) {
            throw new IllegalStateException(FAILURE);
        }
        return KERNELS;
    }

    /** The scalar kernels, whatever the JVM supports. */
    public static OptimizerKernels scalar() {
        return ScalarOptimizerKernels.INSTANCE;
    }

    private static OptimizerKernels loadPanama() {
        try {
            Class<?> panama = Class.forName(PANAMA_CLASS);
            OptimizerKernels kernels = (OptimizerKernels) panama.getDeclaredField("INSTANCE").get(null);
            if (REQUESTED_BIT_SIZE != 0 && kernels.vectorBitSize() != REQUESTED_BIT_SIZE) {
                LOG.log(System.Logger.Level.WARNING, "vecopt: " + BIT_SIZE_PROPERTY + "=" + REQUESTED_BIT_SIZE
                        + " is wider than this CPU's vectors; using " + kernels.vectorBitSize() + " bits");
            }
            return kernels;
        } catch (ReflectiveOperationException e) {
            throw new LinkageError("cannot load " + PANAMA_CLASS, e);
        }
    }

    /** Null when the Panama kernels can run here, else why not and what to do. */
    private static String panamaUnavailableReason() {
        Module vector = ModuleLayer.boot().findModule(VECTOR_MODULE).orElse(null);
        if (vector == null) {
            return "the Java Vector API is not enabled; to use SIMD kernels, start java with --add-modules "
                    + VECTOR_MODULE;
        }
        Module self = OptimizerKernelsProvider.class.getModule();
        if (!self.canRead(vector)) {
            self.addReads(vector);
        }
        if (!c2Enabled()) {
            return "the C2 compiler is off (-Xint or -XX:TieredStopAtLevel below 4), so vector code would be slower";
        }
        try {
            Class<?> panama = Class.forName(PANAMA_CLASS, false, OptimizerKernelsProvider.class.getClassLoader());
            var preferred = panama.getDeclaredMethod("preferredBitSize");
            int bits = (int) preferred.invoke(null);
            if (bits < 128) {
                return "this CPU's vectors are " + bits + " bits wide, narrower than the 128 the kernels need";
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            return "the Vector API failed to load (" + e + ")";
        }
        return null;
    }

    private static boolean c2Enabled() {
        if (System.getProperty("java.vm.info", "").contains("interpreted mode")) {
            return false;
        }
        try {
            var hotspot = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (hotspot == null) {
                return true;
            }
            boolean tiered = Boolean.parseBoolean(hotspot.getVMOption("TieredCompilation").getValue());
            int stopAt = Integer.parseInt(hotspot.getVMOption("TieredStopAtLevel").getValue());
            return !tiered || stopAt >= 4;
        } catch (RuntimeException | LinkageError e) {
            return true; // not HotSpot, or no management module: assume an optimizing JIT
        }
    }

    private static int requestedBitSize(String value) {
        if (value == null) {
            return 0;
        }
        return switch (value.trim()) {
            case "128" -> 128;
            case "256" -> 256;
            case "512" -> 512;
            default -> -1;
        };
    }
}
