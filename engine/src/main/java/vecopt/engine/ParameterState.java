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
    private long step;

    ParameterState() {
    }

    /** Completed steps of this parameter, PyTorch's {@code state["step"]}. */
    public long step() {
        return step;
    }

    void setStep(long step) {
        this.step = step;
    }

    /** The buffer called {@code name}, shared, not copied; null if this rule keeps no such buffer. */
    public float[] buffer(String name) {
        return buffers.get(name);
    }

    /** Every buffer by name, shared, not copied. */
    public Map<String, float[]> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** The buffer called {@code name}, created filled with {@code initial} if missing. */
    float[] bufferOrCreate(String name, int size, float initial) {
        float[] b = buffers.get(name);
        if (b == null) {
            b = new float[size];
            if (initial != 0) {
                java.util.Arrays.fill(b, initial);
            }
            buffers.put(name, b);
        }
        return b;
    }

    /** Creates or replaces the buffer called {@code name} with {@code buffer} itself, not a copy. */
    void putBuffer(String name, float[] buffer) {
        buffers.put(name, buffer);
    }

    /**
     * The scalar called {@code name}.
     *
     * @throws IllegalArgumentException if this rule keeps no such scalar (or has not yet stepped)
     */
    public double scalar(String name) {
        Double value = scalars.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no scalar state called " + name + "; there are " + scalars.keySet());
        }
        return value;
    }

    /** Every scalar by name, read-only. */
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
