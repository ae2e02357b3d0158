package vecopt.distributed;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Runs one thread per worker and waits, bounded, for all of them. A worker that throws stops; the
 * others go on; the failed workers are reported, not rethrown.
 */
final class Workers {

    private Workers() {
    }

    /** Runs {@code body(w)} for {@code w} in {@code [0, count)}, each on its own thread; returns the failed workers. */
    static List<Integer> run(int count, long timeoutSeconds, IntConsumer body) {
        List<Integer> failed = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < count; w++) {
            int worker = w;
            Thread t = new Thread(() -> {
                try {
                    body.accept(worker);
                } catch (RuntimeException | Error e) {
                    failed.add(worker);
                    System.getLogger(Workers.class.getName()).log(System.Logger.Level.DEBUG,
                            "worker " + worker + " stopped", e);
                }
            }, "vecopt-worker-" + w);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (Thread t : threads) {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Thread t : threads) {
            if (t.isAlive()) {
                t.interrupt();
                throw new IllegalStateException("worker thread " + t.getName() + " did not finish within "
                        + timeoutSeconds + " s");
            }
        }
        List<Integer> sorted = new ArrayList<>(failed);
        Collections.sort(sorted);
        return sorted;
    }
}
