package vecopt.distributed;

import java.util.List;

/**
 * What a run of a training algorithm returns.
 *
 * @param params        the parameters at the end (the server's, or the centre variable)
 * @param examplesSeen  examples all workers computed gradients on
 * @param pushes        pushes sent to the server
 * @param staleness     per push, in the order pushes completed: the most versions any of its blocks moved
 *                      on between the worker's pull and the push's arrival (Downpour; empty elsewhere)
 * @param failedWorkers workers that stopped with an error; the others went on
 * @param seconds       wall time
 */
public record TrainingRun(float[] params, long examplesSeen, long pushes, List<Long> staleness,
                          List<Integer> failedWorkers, double seconds) {
}
