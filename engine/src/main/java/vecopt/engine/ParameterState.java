package vecopt.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One parameter's optimizer state: its step count, its buffers (momentum, moments, ...) and its
 * scalars (NAdam's {@code mu_product}, ...), keyed by PyTorch's state names. Created on the
 * parameter's first step.
 */
public final class ParameterState {

    private final Map<String, float[]> buffers = new LinkedHashMap<>();
    private final Map<String, Double> scalars = new LinkedHashMap<>();
    /** Buffers stored narrower than float32 ({@link StateFormat}); a name is in this map or in buffers, not both. */
    private final Map<String, CompressedBuffer> compressed = new LinkedHashMap<>();
    /** Buffers no completed step has used yet, so a rule can tell a buffer's first use (SGD's momentum). */
    private final java.util.Set<String> fresh = new java.util.HashSet<>();
    private long step;

    ParameterState() {
    }

    /** {@return the number of completed steps of this parameter, PyTorch's {@code state["step"]}} */
    public long step() {
        return step;
    }

    void setStep(long step) {
        this.step = step;
    }

    /**
     * The buffer called {@code name}, shared, not copied; null if this rule keeps no such buffer.
     *
     * @param name the state name, such as {@code "exp_avg"}
     * @return the buffer, or null
     */
    public float[] buffer(String name) {
        return buffers.get(name);
    }

    /** {@return every buffer by name, shared, not copied} */
    public Map<String, float[]> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /**
     * The compressed buffer called {@code name}, shared, not copied; null if it is not stored compressed.
     *
     * @param name the state name, such as {@code "exp_avg"}
     * @return the buffer, or null
     */
    public CompressedBuffer compressedBuffer(String name) {
        return compressed.get(name);
    }

    /** {@return every compressed buffer by name, shared, not copied} */
    public Map<String, CompressedBuffer> compressedBuffers() {
        return Collections.unmodifiableMap(compressed);
    }

    /** {@return whether some buffer is stored compressed}; allocates nothing, unlike {@link #compressedBuffers()} */
    boolean hasCompressedBuffers() {
        return !compressed.isEmpty();
    }

    /**
     * Makes this state a view of {@code source} for a rule's plan over blocks of its state: the same
     * step, scalars and fresh buffers, {@code source}'s float32 buffers, and in place of each buffer
     * {@code names[i]} (compressed or not) the float32 block {@code decoded[i]}. Nothing compressed is
     * left in the view, so the rule plans its float32 kernels.
     */
    void viewDecoded(ParameterState source, String[] names, float[][] decoded) {
        buffers.clear();
        buffers.putAll(source.buffers);
        for (int i = 0; i < names.length; i++) {
            buffers.put(names[i], decoded[i]);
        }
        scalars.clear();
        scalars.putAll(source.scalars);
        compressed.clear();
        fresh.clear();
        fresh.addAll(source.fresh);
        step = source.step;
    }

    /** Empties a view ({@link #viewDecoded}), so that it keeps no state of its source alive. */
    void clearView() {
        buffers.clear();
        scalars.clear();
        fresh.clear();
    }

    /** {@return the bytes of state held in buffers, float32 and compressed} */
    public long stateBytes() {
        long bytes = 0;
        for (float[] b : buffers.values()) {
            bytes += 4L * b.length;
        }
        for (CompressedBuffer b : compressed.values()) {
            bytes += b.bytes();
        }
        return bytes;
    }

    /** Creates or replaces the compressed buffer called {@code name}; fresh until a step uses it. */
    void putCompressed(String name, CompressedBuffer buffer) {
        compressed.put(name, buffer);
        fresh.add(name);
    }

    /**
     * Whether no completed step has used the buffer called {@code name} yet, so that the step in
     * progress is its first use: PyTorch's SGD copies the gradient into a new momentum buffer.
     *
     * @param name the state name
     * @return whether the buffer is unused
     */
    public boolean isFresh(String name) {
        return fresh.contains(name);
    }

    /** Creates the buffer called {@code name} filled with {@code initial} (-0 stays -0), fresh until a step uses it. */
    void create(String name, int size, float initial) {
        float[] b = new float[size];
        if (Float.floatToRawIntBits(initial) != 0) {
            java.util.Arrays.fill(b, initial);
        }
        buffers.put(name, b);
        fresh.add(name);
    }

    /** Removes the buffer called {@code name} again (a step that created it failed before writing). */
    void discard(String name) {
        buffers.remove(name);
        compressed.remove(name);
        fresh.remove(name);
    }

    /** A step completed: every buffer has been used. */
    void markUsed() {
        fresh.clear();
    }

    /** Creates or replaces the buffer called {@code name} with {@code buffer} itself, not a copy. */
    void putBuffer(String name, float[] buffer) {
        buffers.put(name, buffer);
    }

    /**
     * The scalar called {@code name}.
     *
     * @param name the scalar's name, such as {@code "mu_product"}
     * @return its value
     * @throws IllegalArgumentException if this rule keeps no such scalar (or has not yet stepped)
     */
    public double scalar(String name) {
        Double value = scalars.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no scalar state called " + name + "; there are " + scalars.keySet());
        }
        return value;
    }

    /** {@return every scalar by name, read-only} */
    public Map<String, Double> scalars() {
        return Collections.unmodifiableMap(scalars);
    }

    /** The scalar called {@code name}, or {@code initial} if missing. */
    double scalarOr(String name, double initial) {
        return scalars.getOrDefault(name, initial);
    }

    /** Creates or replaces the scalar called {@code name}. */
    void setScalar(String name, double value) {
        scalars.put(name, value);
    }
}
