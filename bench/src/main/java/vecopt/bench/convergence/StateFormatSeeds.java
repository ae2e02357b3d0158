package vecopt.bench.convergence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link StateFormatRuns} repeated from several starts: for seed {@code k} the MLP's initial weights
 * and the mini-batches' order use the suite's seeds plus {@code k}, and each compressed format's final
 * test accuracy is compared with float32's from the same start. One test image is 0.28 points of the
 * 360-image test set, so a single run's difference is mostly that noise; the mean over seeds is what
 * the 0.5-point target is checked against.
 *
 * @param label       the optimizer's row label
 * @param differences {@code differences[f][k]}: format {@code f} of {@link StateFormatRuns#FORMATS}
 *                    (0, float32, is all zeros) minus float32, in points, from seed {@code k}
 */
public record StateFormatSeeds(String label, double[][] differences) {

    /** The mean difference of format {@code f} over the seeds, in points. */
    public double mean(int f) {
        double sum = 0;
        for (double d : differences[f]) {
            sum += d;
        }
        return sum / differences[f].length;
    }

    /** The smallest difference of format {@code f} over the seeds (the worst run), in points. */
    public double worst(int f) {
        double min = Double.POSITIVE_INFINITY;
        for (double d : differences[f]) {
            min = Math.min(min, d);
        }
        return min;
    }

    /** The largest difference of format {@code f} over the seeds, in points. */
    public double best(int f) {
        double max = Double.NEGATIVE_INFINITY;
        for (double d : differences[f]) {
            max = Math.max(max, d);
        }
        return max;
    }

    /** The seeds each row was trained from. */
    public int seeds() {
        return differences[0].length;
    }

    /** Every row of {@link StateFormatRuns#run}, trained from {@code seeds} starts (seed 0 is the suite's own run). */
    public static List<StateFormatSeeds> run(ConvergenceSuite.Settings s, Digits.Split data, int seeds) {
        return of(starts(s, data, seeds));
    }

    /**
     * {@link StateFormatRuns#run} from each of {@code seeds} starts: the runs of start {@code k} use the
     * suite's seeds plus {@code k}, so start 0's are the suite's own.
     */
    public static List<List<StateFormatRuns>> starts(ConvergenceSuite.Settings s, Digits.Split data, int seeds) {
        List<List<StateFormatRuns>> starts = new ArrayList<>();
        for (int k = 0; k < seeds; k++) {
            starts.add(StateFormatRuns.run(new ConvergenceSuite.Settings(s.steps(), s.lrSteps(), s.lrs(),
                    s.lrFunction(), s.epochs(), s.hidden(), s.batchSize(), s.initSeed() + k, s.shuffleSeed() + k,
                    s.quick()), data));
        }
        return starts;
    }

    /** Each row's differences to float32 over the given starts' runs ({@link #starts}). */
    public static List<StateFormatSeeds> of(List<List<StateFormatRuns>> starts) {
        Map<String, double[][]> rows = new LinkedHashMap<>();
        for (int k = 0; k < starts.size(); k++) {
            for (StateFormatRuns f : starts.get(k)) {
                double[][] d = rows.computeIfAbsent(f.label(),
                        label -> new double[StateFormatRuns.FORMATS.size()][starts.size()]);
                for (int i = 1; i < d.length; i++) {
                    d[i][k] = f.accuracyDifferencePoints(i);
                }
            }
        }
        List<StateFormatSeeds> all = new ArrayList<>();
        rows.forEach((label, d) -> all.add(new StateFormatSeeds(label, d)));
        return all;
    }
}
