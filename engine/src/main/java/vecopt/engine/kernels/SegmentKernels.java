package vecopt.engine.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Fused updates over {@link MemorySegment} storage with {@code long} element indices: native memory,
 * mapped files, heap segments. Each segment holds little-endian float32 elements and element {@code i}
 * of the update is element {@code i} of every segment, so one call may address tensors of more than
 * {@code 2^31} elements. The same operations in the same order as the {@code float[]} kernels of
 * {@link OptimizerKernels}, so the results are bit-identical to them.
 *
 * <p>Implementations: {@link #scalar()} and a Panama one (vectors read with
 * {@code FloatVector.fromMemorySegment}), picked as {@link OptimizerKernelsProvider} picks.
 */
public interface SegmentKernels {

    /** Little-endian float32 elements, unaligned: a caller's segment may start anywhere. */
    ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** {@code "scalar"} or {@code "panama"}. */
    String name();

    /** {@link OptimizerKernels#adam} over elements {@code [from, from + n)} of {@code p}, {@code g}, {@code m}, {@code v}. */
    void adam(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long from, long n, AdamCoefficients c);

    /** The kernels this JVM uses. */
    static SegmentKernels get() {
        return Holder.CHOSEN;
    }

    /** The scalar kernels. */
    static SegmentKernels scalar() {
        return ScalarSegmentKernels.INSTANCE;
    }

    /** Loads the Panama class by name only when the Vector API is in use. */
    final class Holder {
        static final SegmentKernels CHOSEN = choose();

        private Holder() {
        }

        private static SegmentKernels choose() {
            if (!OptimizerKernelsProvider.get().name().equals("panama")) {
                return ScalarSegmentKernels.INSTANCE;
            }
            try {
                return (SegmentKernels) Class.forName("vecopt.engine.kernels.PanamaSegmentKernels")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IllegalStateException("Panama kernels are in use but their segment kernels failed to load", e);
            }
        }
    }
}
