package vecopt.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

class TrainingAlgorithmsTest {

    private static LocalCluster cluster;
    private static final LinearRegression PROBLEM = new LinearRegression(4096, 200, 42);

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start("vecopt-training-test", 2);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static ParameterServer server(String name, ServerRule rule) {
        return ParameterServer.create(cluster.member(0), name, new float[PROBLEM.dimension], 64, rule);
    }

    @Test
    void synchronousDataParallelEqualsOneWorkerSteppingOnTheSummedBatchBitForBit() {
        int workers = 3, rounds = 4;
        ServerRule.Vecopt adam = ServerRule.Vecopt.of("Adam", Map.of("lr", 0.05));
        ParameterServer server = server("sync-equality", adam);
        TrainingRun run = SynchronousDataParallel.train(server, w -> PROBLEM.worker(w, workers, 16), workers,
                rounds, false, 1, Progress.none());
        assertEquals(List.of(), run.failedWorkers());

        float[] w = new float[PROBLEM.dimension];
        float[] summed = new float[PROBLEM.dimension];
        float[] g = new float[PROBLEM.dimension];
        Optimizer one = Optimizers.fromTorch("Adam", List.of(new Parameter("w", FloatTensor.of(w),
                FloatTensor.of(summed))), Map.of("lr", 0.05));
        for (int round = 0; round < rounds; round++) {
            java.util.Arrays.fill(summed, 0f);
            for (int k = 0; k < workers; k++) {
                PROBLEM.worker(k, workers, 16).lossAndGradient(w, g, round);
                for (int i = 0; i < g.length; i++) {
                    summed[i] += g[i];
                }
            }
            one.step();
        }
        assertArrayEquals(w, run.params());
        assertEquals(3L * 4 * 16, run.examplesSeen());
    }

    @Test
    void synchronousDataParallelWithFourWorkersConverges() {
        ParameterServer server = server("sync-4", ServerRule.Vecopt.of("SGD", Map.of("lr", 5.0, "momentum", 0.9)));
        double before = PROBLEM.loss(new float[PROBLEM.dimension]);
        TrainingRun run = SynchronousDataParallel.train(server, w -> PROBLEM.worker(w, 4, 32), 4, 150, true, 10,
                Progress.none());
        assertTrue(PROBLEM.loss(run.params()) < before * 0.001, "loss " + PROBLEM.loss(run.params()) + " from " + before);
    }

    @Test
    void downpourWithAdagradAndWithDelayTolerantAdagradConvergeAndRecordStalenessPerPush() {
        double before = PROBLEM.loss(new float[PROBLEM.dimension]);
        for (ServerRule rule : List.of(ServerRule.Vecopt.of("Adagrad", Map.of("lr", 0.3)),
                new ServerRule.DelayTolerantAdagrad(0.3, 1e-10))) {
            ParameterServer server = server("downpour-" + rule.name(), rule);
            TrainingRun run = Downpour.train(server, w -> PROBLEM.worker(w, 3, 16), 3, 120, 2, 2, 10, Progress.none());
            assertEquals(List.of(), run.failedWorkers());
            assertEquals(3 * 60, run.pushes());
            assertEquals(run.pushes(), run.staleness().size());
            assertTrue(run.staleness().stream().allMatch(s -> s >= 0 && s <= 3L * 60), run.staleness().toString());
            double after = PROBLEM.loss(run.params());
            assertTrue(after < before * 0.05, rule.name() + ": loss " + after + " from " + before);
        }
    }

    @Test
    void aFailedWorkerStopsPushingAndTheOthersGoOn() {
        ParameterServer server = server("downpour-failure", ServerRule.Vecopt.of("Adagrad", Map.of("lr", 0.3)));
        TrainingRun run = Downpour.train(server, w -> {
            GradientSource healthy = PROBLEM.worker(w, 3, 16);
            if (w != 1) {
                return healthy;
            }
            return new GradientSource() {
                @Override
                public int dimension() {
                    return healthy.dimension();
                }

                @Override
                public int batchSize() {
                    return healthy.batchSize();
                }

                @Override
                public double lossAndGradient(float[] params, float[] grad, long batch) {
                    if (batch == 10) {
                        throw new IllegalStateException("worker 1 died");
                    }
                    return healthy.lossAndGradient(params, grad, batch);
                }
            };
        }, 3, 60, 1, 1, 10, Progress.none());
        assertEquals(List.of(1), run.failedWorkers());
        assertEquals(2 * 60 + 10, run.pushes());
        assertEquals(2 * 60 + 10, server.block(0).version());
        assertTrue(PROBLEM.loss(run.params()) < PROBLEM.loss(new float[PROBLEM.dimension]) * 0.1);
    }

    @Test
    void easgdAndEamsgdSynchronousAndAsynchronousPullTheCentreToTheOptimum() {
        double before = PROBLEM.loss(new float[PROBLEM.dimension]);
        List<String> results = new ArrayList<>();
        for (ElasticAveraging.Settings settings : List.of(
                new ElasticAveraging.Settings(10, 0, 4, 0.2, false),
                new ElasticAveraging.Settings(10, 0, 4, 0.2, true),
                new ElasticAveraging.Settings(2, 0.9, 4, 0.2, false))) {
            ParameterServer centre = server("easgd-" + results.size(), new ServerRule.ElasticCentre());
            TrainingRun run = ElasticAveraging.train(centre, w -> PROBLEM.worker(w, 3, 16), 3, 200, settings, 20,
                    Progress.none());
            assertEquals(List.of(), run.failedWorkers());
            assertEquals(3 * 50, run.pushes());
            double after = PROBLEM.loss(run.params());
            results.add(settings + ": " + after);
            assertTrue(after < before * 0.01, results.toString());
        }
    }

    @Test
    void hogwildLockFreeLockedAndOneThreadReachTheSameLoss() {
        Hogwild.Problem problem = new Hogwild.Problem(300, 300, 4, 40_000, 5);
        double start = problem.heldOutRmse(problem.initialParameters(1));
        Hogwild.Result one = Hogwild.train(problem, problem.initialParameters(1), 1, Hogwild.Mode.LOCK_FREE, 15,
                0.05, 0.9, 1e-4, 3);
        Hogwild.Result free = Hogwild.train(problem, problem.initialParameters(1), 2, Hogwild.Mode.LOCK_FREE, 15,
                0.05, 0.9, 1e-4, 3);
        Hogwild.Result locked = Hogwild.train(problem, problem.initialParameters(1), 2, Hogwild.Mode.LOCKED, 15,
                0.05, 0.9, 1e-4, 3);
        String all = "start " + start + ", one " + one + ", free " + free + ", locked " + locked;
        assertTrue(one.heldOutRmse() < start * 0.1, all);
        assertEquals(one.heldOutRmse(), free.heldOutRmse(), 0.2 * one.heldOutRmse() + 1e-3, all);
        assertEquals(one.heldOutRmse(), locked.heldOutRmse(), 0.2 * one.heldOutRmse() + 1e-3, all);
    }
}
