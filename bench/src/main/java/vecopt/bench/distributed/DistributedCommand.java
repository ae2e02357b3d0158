package vecopt.bench.distributed;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import vecopt.bench.convergence.Digits;
import vecopt.distributed.Downpour;
import vecopt.distributed.ElasticAveraging;
import vecopt.distributed.GradientSource;
import vecopt.distributed.Hogwild;
import vecopt.distributed.LocalCluster;
import vecopt.distributed.ParameterServer;
import vecopt.distributed.ServerRule;
import vecopt.distributed.SynchronousDataParallel;
import vecopt.distributed.TrainingRun;

/**
 * {@code distributed [--members N] [--workers N] [--algorithm A] [--steps N] [--block-size FLOATS] [--out DIR]
 * [--speed] [--processes]}: trains the digits MLP on an embedded Hazelcast cluster on loopback with
 * one of the distributed algorithms (or all of them, with charts), or measures the entry processor's
 * push throughput.
 */
public final class DistributedCommand {

    public static final String USAGE = "distributed [--members N] [--workers N] [--algorithm "
            + String.join("|", algorithms()) + "|all] [--steps N] [--block-size FLOATS] [--out DIR] [--speed [--processes]]";

    static final String DEFAULT_OUT = "bench-results/distributed";
    static final int HIDDEN = 64, BATCH = 32;
    static final long INIT_SEED = 7;
    /** Held so the level set on it is not lost with the logger. */
    private static final java.util.logging.Logger HAZELCAST_LOGGER = java.util.logging.Logger.getLogger("com.hazelcast");

    private DistributedCommand() {
    }

    static List<String> algorithms() {
        return List.of("sync", "downpour", "downpour-dt", "easgd", "easgd-sync", "eamsgd", "hogwild", "hogwild-locked");
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        int members = 3, workers = 4, steps = 600, blockSize = 1024;
        String algorithm = "easgd";
        Path dir = Path.of(DEFAULT_OUT);
        boolean speed = false, processes = false;
        try {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                    case "--speed" -> speed = true;
                    case "--processes" -> processes = true;
                    case "--members", "--workers", "--algorithm", "--steps", "--block-size", "--out" -> {
                        if (i + 1 == args.size()) {
                            err.println("distributed: " + a + " needs a value");
                            return 2;
                        }
                        String v = args.get(++i);
                        switch (a) {
                            case "--members" -> members = positive(a, v);
                            case "--workers" -> workers = positive(a, v);
                            case "--steps" -> steps = positive(a, v);
                            case "--block-size" -> blockSize = positive(a, v);
                            case "--out" -> dir = Path.of(v);
                            default -> algorithm = v;
                        }
                    }
                    default -> {
                        err.println("distributed: unknown option " + a);
                        err.println("usage: " + USAGE);
                        return 2;
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("distributed: " + e.getMessage());
            return 2;
        }
        if (!algorithm.equals("all") && !algorithms().contains(algorithm)) {
            err.println("distributed: unknown algorithm " + algorithm + "; choose one of " + algorithms() + " or all");
            return 2;
        }
        System.setProperty("java.awt.headless", "true");
        quietHazelcast();
        if (speed) {
            Files.createDirectories(dir);
            PushSpeed.run(out, dir, processes);
            return 0;
        }
        Digits.Split data = Digits.load().split();
        out.printf(Locale.ROOT, "vecopt distributed: digits MLP 64-%d-10 (%d parameters), %d members on 127.0.0.1, "
                + "%d workers, %d steps per worker, minibatch %d%n", HIDDEN,
                DigitsSource.initialParameters(HIDDEN, INIT_SEED).length, members, workers, steps, BATCH);
        List<Curve> curves = new ArrayList<>();
        try (LocalCluster cluster = LocalCluster.start("vecopt-demo", members)) {
            out.println("cluster up: " + cluster.member(0).getCluster().getMembers());
            List<String> runs = algorithm.equals("all")
                    ? List.of("one-worker", "sync", "downpour", "downpour-dt", "easgd", "hogwild")
                    : List.of(algorithm);
            for (String a : runs) {
                curves.add(train(a, cluster, data, workers, steps, blockSize, out));
            }
        }
        Files.createDirectories(dir);
        List<Path> files = DemoReport.write(curves, dir, members, workers, steps);
        out.println("wrote " + files.stream().map(Path::toString).toList());
        return 0;
    }

    /** Trains the digits MLP with {@code algorithm} and returns its curve. */
    static Curve train(String algorithm, LocalCluster cluster, Digits.Split data, int workers, int steps, int blockSize,
                       PrintStream out) {
        int w = algorithm.equals("one-worker") ? 1 : workers;
        IntFunction<GradientSource> sources = k -> new DigitsSource(HIDDEN, INIT_SEED, data.train(), k, w, BATCH);
        float[] initial = DigitsSource.initialParameters(HIDDEN, INIT_SEED);
        int report = Math.max(1, steps / 20);
        String label = switch (algorithm) {
            case "one-worker" -> "1 worker (Adam on the server)";
            case "sync" -> w + " workers synchronous (Adam)";
            case "downpour" -> "Downpour, Adagrad";
            case "downpour-dt" -> "Downpour, delay-tolerant Adagrad";
            case "easgd" -> "EASGD async";
            case "easgd-sync" -> "EASGD sync";
            case "eamsgd" -> "EAMSGD async";
            case "hogwild" -> "Hogwild! (" + w + " threads)";
            case "hogwild-locked" -> "locked SGD (" + w + " threads)";
            default -> throw new IllegalArgumentException(algorithm);
        };
        out.println(label + ":");
        Curve curve = new Curve(label, HIDDEN, data.test(), out);
        var hz = cluster.member(0);
        String name = "digits-" + algorithm;
        TrainingRun run = switch (algorithm) {
            case "one-worker", "sync" -> SynchronousDataParallel.train(ParameterServer.create(hz, name, initial, blockSize,
                    ServerRule.Vecopt.of("Adam", Map.of("lr", 3e-3))), sources, w, steps, true, report, curve);
            case "downpour" -> Downpour.train(ParameterServer.create(hz, name, initial, blockSize,
                    ServerRule.Vecopt.of("Adagrad", Map.of("lr", 0.03))), sources, w, steps, 2, 2, report, curve);
            case "downpour-dt" -> Downpour.train(ParameterServer.create(hz, name, initial, blockSize,
                    new ServerRule.DelayTolerantAdagrad(0.03, 1e-10)), sources, w, steps, 2, 2, report, curve);
            case "easgd", "easgd-sync", "eamsgd" -> ElasticAveraging.train(ParameterServer.create(hz, name, initial,
                    blockSize, new ServerRule.ElasticCentre()), sources, w, steps, new ElasticAveraging.Settings(
                    algorithm.equals("eamsgd") ? 0.02 : 0.2, algorithm.equals("eamsgd") ? 0.9 : 0, 4, 0.9 / w,
                    algorithm.equals("easgd-sync")), report, curve);
            case "hogwild", "hogwild-locked" -> Hogwild.trainDense(initial.clone(), sources, w, steps, 0.2,
                    algorithm.equals("hogwild") ? Hogwild.Mode.LOCK_FREE : Hogwild.Mode.LOCKED, report, curve);
            default -> throw new IllegalArgumentException(algorithm);
        };
        out.printf(Locale.ROOT, "  done in %.2f s: %d examples, %d pushes%s%s%n", run.seconds(), run.examplesSeen(),
                run.pushes(), run.staleness().isEmpty() ? "" : ", staleness mean "
                        + String.format(Locale.ROOT, "%.2f", run.staleness().stream().mapToLong(Long::longValue).average()
                        .orElse(0)) + " max " + run.staleness().stream().mapToLong(Long::longValue).max().orElse(0),
                run.failedWorkers().isEmpty() ? "" : ", failed workers " + run.failedWorkers());
        return curve;
    }

    private static int positive(String option, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a positive whole number, got " + v);
        }
    }

    /** Hazelcast logs through JUL at INFO by default: keep the demo's output to its own progress lines. */
    static void quietHazelcast() {
        if (System.getProperty("hazelcast.logging.type") == null) {
            System.setProperty("hazelcast.logging.type", "jdk");
            HAZELCAST_LOGGER.setLevel(java.util.logging.Level.SEVERE);
        }
    }
}
