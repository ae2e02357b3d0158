package vecopt.engine.kernels;

/**
 * The {@code -Dvecopt.*} switches, read once. A class of its own with no other dependency, so that
 * the provider and the Panama kernels can both read it without initializing each other.
 */
final class KernelSettings {

    static final String KERNELS_PROPERTY = "vecopt.kernels";
    static final String BIT_SIZE_PROPERTY = "vecopt.vectorBitSize";

    /** {@code auto}, {@code scalar} or {@code panama} as given (not yet validated). */
    static final String MODE = System.getProperty(KERNELS_PROPERTY, "auto").trim();

    /** The raw {@code -Dvecopt.vectorBitSize}, or null. */
    static final String BIT_SIZE_TEXT = System.getProperty(BIT_SIZE_PROPERTY);

    /** Requested width: 0 when none was requested, -1 when the value is not 128, 256 or 512. */
    static final int REQUESTED_BIT_SIZE = requestedBitSize(BIT_SIZE_TEXT);

    private KernelSettings() {
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
