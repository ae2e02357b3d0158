package vecopt.engine;

import java.util.ConcurrentModificationException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Detects overlapping calls on one optimizer, which is not thread-safe: a step, a hyperparameter
 * change or a checkpoint load that starts while another is running throws instead of losing steps
 * or corrupting state. One compare-and-set per call.
 */
final class UseGuard {

    private final AtomicReference<String> running = new AtomicReference<>();

    /**
     * Marks {@code call} as running.
     *
     * @throws ConcurrentModificationException if another call is running
     */
    void enter(String call) {
        String other = running.compareAndExchange(null, call);
        if (other != null) {
            throw new ConcurrentModificationException(call + " was called while " + other + " is running on the"
                    + " same optimizer; an optimizer is not thread-safe: use it from one thread at a time");
        }
    }

    /** Marks the running call as finished. */
    void exit() {
        running.set(null);
    }
}
