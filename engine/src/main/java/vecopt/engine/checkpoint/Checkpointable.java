package vecopt.engine.checkpoint;

import java.util.Map;
import vecopt.engine.Optimizer;

/**
 * Something that drives an optimizer and has a position of its own, such as a learning-rate
 * scheduler, which a checkpoint saves and restores with the optimizer's state, so that a resumed run
 * continues exactly as the uninterrupted one would have.
 * {@link vecopt.engine.schedule.HyperparameterScheduler} and {@link vecopt.engine.schedule.ReduceOnPlateau}
 * implement it.
 *
 * <p>The position is a small map of named numbers, each a {@link Long} or a {@link Double}; the
 * checkpoint keeps every bit of them (doubles including their sign, infinities and NaN). Restoring is
 * in two parts so that a checkpoint with several schedulers loads all or nothing: {@link #prepareRestore}
 * checks a saved position and changes nothing; the action it returns installs it and cannot fail.
 */
public interface Checkpointable {

    /** {@return the optimizer whose hyperparameters this drives; it is saved and loaded together with that optimizer} */
    Optimizer optimizer();

    /**
     * What this is and what it drives, for example {@code "HyperparameterScheduler(lr)"}. A checkpoint
     * loads only into the same names in the same order as it was saved from.
     *
     * @return the name
     */
    String checkpointName();

    /** {@return the current position: names (not empty) to {@link Long} or {@link Double} values, in a fixed order} */
    Map<String, Number> checkpointState();

    /**
     * Checks {@code state}, a position {@link #checkpointState()} returned (possibly in another process),
     * against this object, and returns the action that installs it. Nothing changes before that action
     * runs, and running it cannot fail.
     *
     * @param state the saved position
     * @return the action that installs it
     * @throws IllegalArgumentException naming the entry and its value if {@code state} lacks an entry,
     *     has one this object does not keep, or has a value of the wrong type or out of range
     */
    Runnable prepareRestore(Map<String, Number> state);

    /**
     * Arrays this object keeps besides its position, such as Lookahead's slow weights: names (not
     * empty) to the arrays themselves, shared, not copied, in a fixed order. None by default. Each is
     * saved as a one-dimensional F32 tensor called {@code "__schedulers__/<index>/<name>"}.
     *
     * @return names to arrays, empty by default
     */
    default Map<String, float[]> checkpointBuffers() {
        return Map.of();
    }

    /**
     * The buffers a checkpoint may restore into this object: names to the length each must have.
     * Loading refuses a saved buffer not listed here, or of another length, before reading it. None by default.
     *
     * @return names to lengths, empty by default
     */
    default Map<String, Integer> checkpointBufferLengths() {
        return Map.of();
    }

    /**
     * {@link #prepareRestore(Map)} with the saved buffers too (new arrays of the lengths
     * {@link #checkpointBufferLengths()} allows, which the action may keep). By default no buffers are
     * accepted and the position alone is restored.
     *
     * @param state the saved position
     * @param buffers the saved buffers by name
     * @return the action that installs them
     * @throws IllegalArgumentException as {@link #prepareRestore(Map)}, or if a buffer is missing or not kept
     */
    default Runnable prepareRestore(Map<String, Number> state, Map<String, float[]> buffers) {
        if (!buffers.isEmpty()) {
            throw new IllegalArgumentException(checkpointName() + " keeps no buffers, got " + buffers.keySet());
        }
        return prepareRestore(state);
    }
}
