package vecopt.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One parameter's optimizer state: its step count and its buffers (momentum, moments, ...), keyed
 * by PyTorch's state names. Created on the parameter's first step.
 */
public final class ParameterState {

    private final Map<String, float[]> buffers = new LinkedHashMap<>();
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
}
