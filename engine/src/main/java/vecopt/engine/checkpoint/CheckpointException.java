package vecopt.engine.checkpoint;

import java.io.IOException;

/**
 * A checkpoint file that cannot be loaded: it is damaged, not a vecopt optimizer checkpoint, or does
 * not match the optimizer it is loaded into. The message says what did not match. The optimizer is
 * unchanged when this is thrown.
 */
public class CheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception saying what did not match.
     *
     * @param message what did not match
     */
    public CheckpointException(String message) {
        super(message);
    }
}
