package vecopt.bench.convergence;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ejml.data.FMatrixRMaj;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler.LegendPosition;
import vecopt.engine.ChunkedExecutor;
import vecopt.engine.Optimizer;

/**
 * Where an epoch's time goes: the forward and backward passes (the engine's {@code matmulAdd} kernel,
 * through {@link MatrixProducts}) against the optimizer steps, each with 1 and 2 threads
 * ({@link MatrixProducts#setThreads} splitting the rows of each product; the optimizer's
 * {@link ChunkedExecutor#withThreads}, splitting parameters of at least
 * {@value #MIN_PARALLEL_LENGTH} floats). Measured over some mini-batches after a warm-up and scaled
 * to one epoch.
 */
public final class EpochTiming {

    static final int MIN_PARALLEL_LENGTH = 1 << 14;
    static final int WARMUP = 10;

    private EpochTiming() {
    }

    /** Seconds per epoch of one model and optimizer at one thread count. */
    public record Row(String model, String optimizer, int threads, double forwardBackward, double step) {
    }

    /** Measures {@code options}' model with Adam over {@code batches} mini-batches, for 1 and 2 threads. */
    public static List<Row> measure(FeedForward.Options options, Digits.Dataset train, int batchSize, int batches) {
        List<Row> rows = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            FeedForward net = new FeedForward(FashionMnist.FEATURES, FashionMnist.CLASSES, options);
            FashionTable.Row adam = FashionTable.get("Adam");
            Optimizer optimizer = adam.setup().build(net.parameters(), 1e-3);
            int before = MatrixProducts.threads();
            MatrixProducts.setThreads(threads);
            try (ChunkedExecutor executor = threads == 1 ? ChunkedExecutor.callingThread()
                    : ChunkedExecutor.withThreads(threads, MIN_PARALLEL_LENGTH)) {
                optimizer.setExecutor(executor);
                int[] order = EpochTrainer.shuffles(train.size(), 1, 3)[0];
                FMatrixRMaj x = new FMatrixRMaj(1, FashionMnist.FEATURES);
                int[] labels = new int[batchSize];
                long fb = 0;
                long st = 0;
                for (int b = 0; b < WARMUP + batches; b++) {
                    int from = (b * batchSize) % (train.size() - batchSize + 1);
                    train.gather(order, from, from + batchSize, x, labels);
                    long t0 = System.nanoTime();
                    net.lossAndGradient(x, labels);
                    long t1 = System.nanoTime();
                    optimizer.step();
                    long t2 = System.nanoTime();
                    if (b >= WARMUP) {
                        fb += t1 - t0;
                        st += t2 - t1;
                    }
                }
                double perEpoch = Math.ceil((double) train.size() / batchSize) / batches / 1e9;
                rows.add(new Row(net.name(), adam.label(), threads, fb * perEpoch, st * perEpoch));
            } finally {
                MatrixProducts.setThreads(before);
            }
        }
        return rows;
    }

    static String table(List<Row> rows, int trainSize) {
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
                "%n## Time per epoch (%,d training images, Adam)%n%n| model | threads | forward + backward (matmulAdd, " + MatrixProducts.kernelName() + ") s "
                        + "| optimizer step (vecopt) s | step share |%n|---|---:|---:|---:|---:|%n", trainSize));
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.3f | %.1f%% |%n", r.model(), r.threads(),
                    r.forwardBackward(), r.step(), 100 * r.step() / (r.step() + r.forwardBackward())));
        }
        return md.toString();
    }

    /** Stacked bars: forward + backward and the step, per model and thread count. */
    static CategoryChart chart(List<Row> rows, int trainSize) {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(500)
                .title(String.format(Locale.ROOT, "Time per epoch of %,d images, Adam", trainSize))
                .xAxisTitle("model, threads").yAxisTitle("seconds").build();
        chart.getStyler().setStacked(true);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
        chart.getStyler().setChartTitleBoxVisible(false);
        List<String> names = rows.stream().map(r -> r.model().replace(", dropout 0.2", "") + ", " + r.threads() + " thr").toList();
        chart.addSeries("forward + backward (matmulAdd, " + MatrixProducts.kernelName() + ")", names, rows.stream().map(Row::forwardBackward).toList())
                .setFillColor(Charts.paletteColor(0));
        chart.addSeries("optimizer step (vecopt)", names, rows.stream().map(Row::step).toList())
                .setFillColor(Charts.paletteColor(1));
        return chart;
    }
}
