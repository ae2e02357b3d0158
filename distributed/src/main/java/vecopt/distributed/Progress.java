package vecopt.distributed;

/**
 * Watches training: called from one thread (worker 0's) every few steps with the examples all workers
 * have seen so far and the parameters training would return now (the server's, the centre variable or
 * the shared array). Must not keep or change {@code params}.
 */
@FunctionalInterface
public interface Progress {

    void report(long examplesSeen, float[] params);

    /** Watches nothing. */
    static Progress none() {
        return (examples, params) -> { };
    }
}
