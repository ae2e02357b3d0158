package vecopt.bench.parity;

import java.util.Map;

/**
 * One recorded optimizer run: the PyTorch optimizer and its constructor kwargs, the initial
 * parameters, the gradient fed at each step and the parameters after each step.
 */
public record TrajectoryCase(
        String name,
        String optimizer,
        Map<String, Object> hyper,
        int size,
        int steps,
        float[] init,
        float[][] grads,
        float[][] params) {

    /** Checks that the arrays agree with {@code size} and {@code steps}. */
    public TrajectoryCase {
        if (init.length != size) {
            throw new IllegalArgumentException(name + ": init has " + init.length + " values, size is " + size);
        }
        if (grads.length != steps || params.length != steps) {
            throw new IllegalArgumentException(name + ": steps is " + steps + " but there are " + grads.length
                    + " gradients and " + params.length + " parameter snapshots");
        }
        for (int s = 0; s < steps; s++) {
            if (grads[s].length != size || params[s].length != size) {
                throw new IllegalArgumentException(name + ": step " + (s + 1) + " has " + grads[s].length
                        + " gradient and " + params[s].length + " parameter values, size is " + size);
            }
        }
    }
}
