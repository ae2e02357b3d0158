package vecopt.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.checkpoint.CheckpointException;

/**
 * Checkpoints of the rules the server runs besides vecopt's own: delay-tolerant Adagrad and the
 * elastic centre. Training is saved mid-way on one cluster and restored into a fresh server on
 * another, with workers whose reads were taken before the save pushing after the restore.
 */
class ServerCheckpointTest {

    private static LocalCluster original;
    private static LocalCluster fresh;

    @BeforeAll
    static void startClusters() {
        original = LocalCluster.start("vecopt-checkpoint-original", 2);
        fresh = LocalCluster.start("vecopt-checkpoint-fresh", 2);
    }

    @AfterAll
    static void stopClusters() {
        original.close();
        fresh.close();
    }

    private static final int N = 500, BLOCK = 128;

    /** A worker of a scripted asynchronous run: what it last read and its next sequence number. */
    private static final class Worker {
        ParameterServer.Snapshot read;
        long sequence;
    }

    /**
     * Runs {@code script} (tokens {@code r<w>}: worker w reads; {@code p<w>}: worker w pushes what it
     * computed at its last read) and returns each push's staleness (most pushes any block took since
     * the read). A delay-tolerant push is a gradient of {@code |x - target_w|^2 / 2} plus noise, with the
     * gradient sum read; an elastic push is {@code d = 0.25 (y_w - c)} for a noisy worker point y_w.
     */
    private static List<Long> run(ParameterServer server, Worker[] workers, String script, boolean elastic) {
        List<Long> staleness = new ArrayList<>();
        for (String op : script.trim().split("\\s+")) {
            int w = op.charAt(1) - '0';
            Worker worker = workers[w];
            if (op.charAt(0) == 'r') {
                worker.read = server.pull();
                continue;
            }
            float[] x = worker.read.values();
            float[] target = ParameterServerTest.random(N, 40 + w);
            float[] noise = ParameterServerTest.random(N, 1000 * w + worker.sequence);
            float[] push = new float[N];
            for (int i = 0; i < N; i++) {
                push[i] = elastic ? 0.25f * (target[i] + 0.1f * noise[i] - x[i]) : x[i] - target[i] + 0.1f * noise[i];
            }
            PushReceipt[] receipts = server.pushAll(w, worker.sequence++, push, worker.read.gradientSums());
            long stale = 0;
            for (int b = 0; b < receipts.length; b++) {
                assertTrue(receipts[b].applied());
                stale = Math.max(stale, receipts[b].versionBefore() - worker.read.versions()[b]);
            }
            staleness.add(stale);
        }
        return staleness;
    }

    private static Worker[] workers(int n) {
        Worker[] w = new Worker[n];
        for (int i = 0; i < n; i++) {
            w[i] = new Worker();
        }
        return w;
    }

    /** Before the save: reads and pushes of three workers; worker 2 and worker 0 read before it, push after it. */
    private static final String BEFORE = "r0 r1 p1 r2 p0 p1 r1 p2 r0 p1 r2";
    private static final String AFTER = "p0 p2 r1 p1 p1 r0 p0";

    @Test
    void delayTolerantAdagradRestoredIntoAFreshClusterContinuesBitForBitWithReadsFromBeforeTheSave(
            @TempDir Path dir) throws Exception {
        continuesBitForBit(dir, new ServerRule.DelayTolerantAdagrad(0.3, 1e-8),
                new ServerRule.DelayTolerantAdagrad(0.9, 1e-3), false);
    }

    @Test
    void theElasticCentreRestoredIntoAFreshClusterContinuesBitForBit(@TempDir Path dir) throws Exception {
        continuesBitForBit(dir, new ServerRule.ElasticCentre(), new ServerRule.ElasticCentre(), true);
    }

    /**
     * One run uninterrupted; the same run saved after {@link #BEFORE} and restored into a fresh server
     * (zero values, {@code freshRule}'s settings) on the other cluster before {@link #AFTER}.
     */
    private static void continuesBitForBit(Path dir, ServerRule rule, ServerRule freshRule, boolean elastic)
            throws Exception {
        String name = "continued-" + rule.name();
        float[] initial = ParameterServerTest.random(N, 3);
        ParameterServer uninterrupted = ParameterServer.create(original.member(0), name + "-whole", initial, BLOCK,
                rule);
        Worker[] a = workers(3);
        List<Long> wholeStaleness = run(uninterrupted, a, BEFORE + " " + AFTER, elastic);

        ParameterServer first = ParameterServer.create(original.member(1), name, initial, BLOCK, rule);
        Worker[] b = workers(3);
        List<Long> staleness = new ArrayList<>(run(first, b, BEFORE, elastic));
        Path file = dir.resolve("server.safetensors");
        first.save(file);
        first.destroy();

        ParameterServer restored = ParameterServer.create(fresh.member(0), name, new float[N], BLOCK, freshRule);
        restored.restore(file);
        staleness.addAll(run(restored, b, AFTER, elastic));

        assertEquals(wholeStaleness, staleness);
        assertTrue(staleness.stream().anyMatch(s -> s >= 2), staleness.toString()); // the script has stale pushes
        assertSameState(state(uninterrupted), state(restored));
        assertEquals(rule, restored.block(3).rule());
        assertArrayEquals(uninterrupted.pull().values(), restored.pull().values());
        restored.destroy();
        uninterrupted.destroy();
    }

    @Test
    void aSynchronousServerRestoredIntoAFreshClusterGoesOnWithItsRounds(@TempDir Path dir) throws Exception {
        ServerRule adam = ServerRule.Vecopt.of("Adam", Map.of("lr", 0.01));
        float[] initial = ParameterServerTest.random(N, 4);
        ParameterServer uninterrupted = ParameterServer.create(original.member(0), "rounds-whole", initial, BLOCK,
                adam);
        ParameterServer first = ParameterServer.create(original.member(0), "rounds", initial, BLOCK, adam);
        for (int round = 0; round < 5; round++) {
            for (int w = 0; w < 2; w++) {
                float[] g = ParameterServerTest.random(N, 70 + 2 * round + w);
                uninterrupted.contributeAll(w, 2, round, g);
                if (round < 3) {
                    first.contributeAll(w, 2, round, g);
                }
            }
        }
        Path file = dir.resolve("rounds.safetensors");
        first.save(file);
        ParameterServer restored = ParameterServer.create(fresh.member(1), "rounds", new float[N], BLOCK,
                ServerRule.Vecopt.of("Adam", Map.of("lr", 0.5)));
        restored.restore(file);
        assertEquals(3, restored.block(2).syncRound());
        for (int round = 3; round < 5; round++) { // refused as a future round if the rounds had started afresh
            for (int w = 0; w < 2; w++) {
                restored.contributeAll(w, 2, round, ParameterServerTest.random(N, 70 + 2 * round + w));
            }
        }
        assertSameState(state(uninterrupted), state(restored));
        assertEquals(0.01, ((ServerRule.Vecopt) restored.block(0).rule()).resolved().asMap().get("lr")); // not 0.5
    }

    @Test
    void aDamagedCheckpointIsRefusedAndChangesNothing(@TempDir Path dir) throws Exception {
        ParameterServer server = ParameterServer.create(original.member(0), "damaged", ParameterServerTest.random(N, 5),
                BLOCK, new ServerRule.DelayTolerantAdagrad(0.3, 1e-8));
        Worker[] w = workers(3);
        run(server, w, BEFORE, false);
        Path file = dir.resolve("good.safetensors");
        server.save(file);
        run(server, w, AFTER, false); // the server moves on from the saved state
        Map<String, Object> before = state(server);
        byte[] good = Files.readAllBytes(file);

        byte[] flipped = good.clone();
        flipped[flipped.length - 4 * N / 2] ^= 0x10; // inside the tensors: a checksum no longer matches
        Path corrupt = dir.resolve("corrupt.safetensors");
        Files.write(corrupt, flipped);
        CheckpointException e = assertThrows(CheckpointException.class, () -> server.restore(corrupt));
        assertTrue(e.getMessage().contains("is damaged"), e.getMessage());
        assertSameState(before, state(server));

        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(good, good.length - 100));
        assertThrows(CheckpointException.class, () -> server.restore(truncated));
        assertSameState(before, state(server));

        server.restore(file); // the undamaged file still loads
        assertFalse(before.equals(state(server)));
        server.destroy();
    }

    @Test
    void aCheckpointOfAnotherRuleOrLayoutIsRefusedAndChangesNothing(@TempDir Path dir) throws Exception {
        ServerRule dta = new ServerRule.DelayTolerantAdagrad(0.3, 1e-8);
        ParameterServer saved = ParameterServer.create(original.member(0), "mismatch-dta",
                ParameterServerTest.random(N, 6), BLOCK, dta);
        run(saved, workers(3), BEFORE, false);
        Path dtaFile = dir.resolve("dta.safetensors");
        saved.save(dtaFile);
        ParameterServer adamServer = ParameterServer.create(original.member(0), "mismatch-adam",
                ParameterServerTest.random(N, 7), BLOCK, ServerRule.Vecopt.of("Adam", Map.of()));
        adamServer.pushAll(0, 0, ParameterServerTest.random(N, 8), null);
        Path adamFile = dir.resolve("adam.safetensors");
        adamServer.save(adamFile);

        record Case(String what, ParameterServer target, Path file, String says) {
        }
        List<Case> cases = List.of(
                new Case("delay-tolerant Adagrad into the elastic centre", ParameterServer.create(fresh.member(0),
                        "into-centre", ParameterServerTest.random(N, 9), BLOCK, new ServerRule.ElasticCentre()),
                        dtaFile, "\"ParameterServer(DelayTolerantAdagrad)\" in the checkpoint, "
                        + "ParameterServer(ElasticCentre) given"),
                // a server whose rule is not a vecopt rule is saved with a stateless SGD for its layout
                new Case("delay-tolerant Adagrad into Adam", adamServer, dtaFile, "\"SGD\" optimizer; this optimizer is Adam"),
                new Case("Adam into delay-tolerant Adagrad", saved, adamFile, "\"Adam\" optimizer; this optimizer is SGD"),
                new Case("other block size", ParameterServer.create(fresh.member(0), "into-64",
                        ParameterServerTest.random(N, 10), 64, dta), dtaFile, "4 parameters in the checkpoint, 8"),
                new Case("other length", ParameterServer.create(fresh.member(0), "into-longer",
                        ParameterServerTest.random(N + 1, 11), BLOCK, dta), dtaFile,
                        "block.3 has 116 elements in the checkpoint, 117"));
        for (Case c : cases) {
            c.target().pushAll(5, 0, ParameterServerTest.random(c.target().length(), 12), null);
            Map<String, Object> before = state(c.target());
            CheckpointException e = assertThrows(CheckpointException.class, () -> c.target().restore(c.file()), c.what());
            assertTrue(e.getMessage().contains(c.says()), c.what() + ": " + e.getMessage());
            assertSameState(before, state(c.target()));
        }
    }

    @Test
    void saveRefusesAHalfGatheredSynchronousRoundAndWritesNothing(@TempDir Path dir) {
        ParameterServer server = ParameterServer.create(original.member(0), "half-round",
                ParameterServerTest.random(N, 13), BLOCK, ServerRule.Vecopt.of("SGD", Map.of("lr", 0.1)));
        server.contributeAll(1, 3, 0, ParameterServerTest.random(N, 14));
        Path file = dir.resolve("half.safetensors");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> server.save(file));
        assertEquals("block 0 of parameter server half-round holds the gradients of workers [1] for synchronous "
                + "round 0; save between rounds", e.getMessage());
        assertFalse(Files.exists(file));
    }

    /** Everything a server's blocks hold that a checkpoint restores, copied, as comparable values. */
    static Map<String, Object> state(ParameterServer server) {
        Map<String, Object> all = new LinkedHashMap<>();
        for (int b = 0; b < server.blockCount(); b++) {
            Block block = server.block(b);
            all.put(b + " values", bits(block.values()));
            all.put(b + " version", block.version());
            all.put(b + " round", block.syncRound());
            all.put(b + " step", block.step());
            all.put(b + " scalars", Map.copyOf(block.scalars()));
            all.put(b + " rule", block.rule() instanceof ServerRule.Vecopt v
                    ? v.torchName() + " " + v.resolved().asMap() : block.rule());
            for (Map.Entry<String, float[]> e : block.buffers().entrySet()) {
                all.put(b + " " + e.getKey(), bits(e.getValue()));
            }
        }
        return all;
    }

    /** Equal entry by entry, so a failure names the first block and field that differ. */
    static void assertSameState(Map<String, Object> expected, Map<String, Object> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String key : expected.keySet()) {
            assertEquals(expected.get(key), actual.get(key), key);
        }
    }

    private static List<Integer> bits(float[] a) {
        List<Integer> bits = new ArrayList<>(a.length);
        for (float v : a) {
            bits.add(Float.floatToRawIntBits(v));
        }
        return bits;
    }
}
