package vecopt.bench.distributed;

import java.util.ArrayList;
import java.util.List;
import vecopt.bench.convergence.Digits;
import vecopt.bench.convergence.DigitsModel;
import vecopt.distributed.Progress;

/**
 * One run's curve on the digits: test loss and accuracy against wall time and examples seen, evaluated
 * whenever the training algorithm reports its parameters.
 */
final class Curve implements Progress {

    /** One evaluation. */
    record Point(double seconds, long examples, double loss, double accuracy) {
    }

    final String label;
    final List<Point> points = new ArrayList<>();
    private final DigitsModel evaluator;
    private final Digits.Dataset test;
    private final java.io.PrintStream log;
    private final long start = System.nanoTime();

    Curve(String label, int hidden, Digits.Dataset test, java.io.PrintStream log) {
        this.label = label;
        this.evaluator = DigitsModel.mlp(hidden, 0);
        this.test = test;
        this.log = log;
    }

    @Override
    public synchronized void report(long examplesSeen, float[] params) {
        double seconds = (System.nanoTime() - start) / 1e9;
        DigitsSource.load(evaluator, params);
        DigitsModel.Evaluation e = evaluator.evaluate(test);
        points.add(new Point(seconds, examplesSeen, e.loss(), e.accuracy()));
        log.printf(java.util.Locale.ROOT, "  %-28s %7.2f s %8d examples  test loss %.4f  accuracy %.4f%n", label,
                seconds, examplesSeen, e.loss(), e.accuracy());
    }

    Point last() {
        return points.get(points.size() - 1);
    }

    double bestAccuracy() {
        return points.stream().mapToDouble(Point::accuracy).max().orElse(0);
    }
}
