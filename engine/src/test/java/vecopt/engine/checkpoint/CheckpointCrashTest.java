package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.Adam;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.ParameterState;
import vecopt.tensor.FloatTensor;

/**
 * A child JVM saves checkpoints of about 5 MB in a loop and is killed (SIGKILL) at random moments,
 * again and again. After every kill the checkpoint file loads, holds one complete state the child
 * wrote, and is never older than the last save the child reported finished.
 *
 * <p>Runs once, in the scalar surefire run: it does not depend on the kernels.
 */
@DisabledIfSystemProperty(named = "vecopt.test.expectedKernels", matches = "panama")
class CheckpointCrashTest {

    static final int SIZE = 300_000;
    static final int ROUNDS = 10;
    static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(20);

    /** Adam on two parameters of SIZE floats: four state buffers, 4.8 MB of data. */
    static Optimizer optimizer() {
        List<Parameter> params = List.of(Parameter.of("a", FloatTensor.zeros(SIZE)),
                Parameter.of("b", FloatTensor.zeros(SIZE)));
        Adam adam = new Adam(params, Adam.defaults());
        adam.step(); // creates the state
        return adam;
    }

    /** Version {@code version} of the state: lr = version + 1 and buffer values derived from the version. */
    static void write(Optimizer o, long version) {
        o.paramGroups().get(0).set("lr", version + 1);
        int k = 0;
        for (String name : List.of("a", "b")) {
            for (float[] buffer : o.state(name).buffers().values()) {
                for (int i = 0; i < buffer.length; i++) {
                    buffer[i] = value(version, k, i);
                }
                k++;
            }
        }
    }

    static float value(long version, int buffer, int i) {
        return (float) ((version * 7919 + buffer * 104729L + i) % 1_000_003) / 1024f;
    }

    /** The child: saves versions start, start + 1, ... to args[0] until killed, printing each finished one. */
    public static final class SaveLoop {
        public static void main(String[] args) throws IOException {
            Path file = Path.of(args[0]);
            Optimizer o = optimizer();
            for (long version = Long.parseLong(args[1]); ; version++) {
                write(o, version);
                Checkpoints.save(o, file);
                System.out.println("saved " + version);
                System.out.flush();
            }
        }
    }

    @Test
    void aSaveKilledAtAnyMomentLeavesTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state.safetensors");
        Path childErr = dir.resolve("child-stderr.txt");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = String.join(File.pathSeparator,
                location(Optimizer.class), location(FloatTensor.class), location(SaveLoop.class));
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Optimizer reader = optimizer();
        long start = 0;
        long began = System.nanoTime();
        int rounds = 0;
        while (rounds < ROUNDS && System.nanoTime() - began < BUDGET_NANOS) {
            Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
                    "-cp", classPath, SaveLoop.class.getName(), file.toString(), Long.toString(start))
                    .redirectError(childErr.toFile()).start();
            AtomicLong lastSaved = new AtomicLong(start - 1);
            Thread lines = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        lastSaved.set(Long.parseLong(line.substring("saved ".length())));
                    }
                } catch (IOException e) {
                    // the child died mid-line
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lastSaved.get() < start && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(lastSaved.get() >= start, "the child saved nothing: " + Files.readString(childErr));
            Thread.sleep(random.nextInt(250)); // lands in writing, forcing, moving or between saves
            // SIGKILL through the handle: Process.destroyForcibly would also close the pipe and lose
            // "saved" lines the reader thread has not read yet
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed child did not end");
            lines.join(TimeUnit.SECONDS.toMillis(30));

            long loaded = loadAndCheck(reader, file, "round " + rounds + " (seed " + seed + ")");
            long reported = lastSaved.get();
            assertTrue(loaded == reported || loaded == reported + 1, "round " + rounds + ": loaded version " + loaded
                    + " but the child last reported " + reported + " finished (seed " + seed + ")");
            start = loaded + 1;
            rounds++;
        }
        assertTrue(rounds >= 3, "only " + rounds + " rounds fit in the time budget");
        long killedWhileWriting;
        try (Stream<Path> files = Files.list(dir)) {
            killedWhileWriting = files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
        }
        System.out.println("CheckpointCrashTest: " + rounds + " kills, " + start + " versions saved, temporary files of"
                + " killed saves left behind: " + killedWhileWriting + " (seed " + seed + ")");
    }

    /** Loads the file into {@code o}, checks it is one complete version, returns that version. */
    private static long loadAndCheck(Optimizer o, Path file, String context) throws IOException {
        Checkpoints.load(o, file);
        double lr = o.paramGroups().get(0).lr();
        long version = (long) lr - 1;
        assertEquals(version + 1.0, lr, context + ": lr is not a version");
        int k = 0;
        for (String name : List.of("a", "b")) {
            ParameterState state = o.state(name);
            assertEquals(1, state.step(), context);
            for (Map.Entry<String, float[]> e : state.buffers().entrySet()) {
                float[] buffer = e.getValue();
                for (int i = 0; i < buffer.length; i++) {
                    if (buffer[i] != value(version, k, i)) {
                        throw new AssertionError(context + ": " + name + "/" + e.getKey() + "[" + i + "] is " + buffer[i]
                                + ", version " + version + " has " + value(version, k, i));
                    }
                }
                k++;
            }
        }
        return version;
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
