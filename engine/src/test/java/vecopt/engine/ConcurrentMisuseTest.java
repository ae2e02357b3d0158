package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import vecopt.tensor.FloatTensor;

/**
 * An optimizer is not thread-safe, and says so: a step, a hyperparameter change or a checkpoint load
 * that overlaps another call throws {@link ConcurrentModificationException} and changes nothing,
 * instead of losing steps or corrupting its maps.
 */
class ConcurrentMisuseTest {

    /** A rule whose kernel waits until released, so another thread can call while a step is running. */
    static final class Blocking extends Optimizer {
        static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
                List.of(Hyperparameter.atLeast("lr", 0.5, 0)), h -> { });
        static final Rule RULE = Rule.builder("Blocking", DEFAULTS, Blocking::new).build();
        volatile CountDownLatch inKernel = new CountDownLatch(1);
        volatile CountDownLatch release = new CountDownLatch(1);

        Blocking(List<Parameter> parameters, Hyperparameters h) {
            super(RULE, parameters, h);
        }

        @Override
        protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext c) {
            return StepPlan.of((v, vOff, g, gOff, from, n) -> {
                inKernel.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                v[vOff] -= 1f;
            });
        }
    }

    @Test
    void everyCallOverlappingARunningStepGetsTheClearException() throws Exception {
        float[] w = {0f};
        Blocking o = new Blocking(List.of(new Parameter("w", FloatTensor.of(w), FloatTensor.of(new float[] {1f}))),
                Blocking.DEFAULTS);
        ExecutorService stepper = Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < 50; round++) {
                o.inKernel = new CountDownLatch(1);
                o.release = new CountDownLatch(1);
                Future<?> running = stepper.submit(() -> o.step());
                assertTrue(o.inKernel.await(10, TimeUnit.SECONDS), "the step did not start");
                var stepping = assertThrows(ConcurrentModificationException.class, o::step);
                assertEquals("step() was called while step() is running on the same optimizer; an optimizer is"
                        + " not thread-safe: use it from one thread at a time", stepping.getMessage());
                ParamGroup group = o.paramGroups().get(0);
                assertThrows(ConcurrentModificationException.class, () -> group.set("lr", 0.1));
                assertEquals(0.5, group.lr(), "the refused change left the old value");
                o.release.countDown();
                running.get(10, TimeUnit.SECONDS);
            }
        } finally {
            o.release.countDown();
            stepper.shutdownNow();
        }
        assertEquals(50, o.state("w").step(), "only the 50 steps that ran are counted");
        assertEquals(-50f, w[0]);
    }

    @Test
    void twoThreadsSteppingTogetherNeverLoseACountedStep() throws Exception {
        Parameter p = Parameter.of("w", FloatTensor.zeros(64));
        Optimizer sgd = Optimizers.fromTorch("SGD", List.of(p), Map.of("lr", 0.01, "momentum", 0.9));
        AtomicLong completed = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        Runnable hammer = () -> {
            for (int i = 0; i < 20_000; i++) {
                try {
                    sgd.step();
                    completed.incrementAndGet();
                } catch (ConcurrentModificationException e) {
                    refused.incrementAndGet();
                }
            }
        };
        Thread a = new Thread(hammer);
        Thread b = new Thread(hammer);
        a.start();
        b.start();
        a.join(60_000);
        b.join(60_000);
        assertEquals(40_000, completed.get() + refused.get());
        assertEquals(completed.get(), sgd.state("w").step(), "every step that returned normally is counted");
    }
}
