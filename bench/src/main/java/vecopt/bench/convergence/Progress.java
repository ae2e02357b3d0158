package vecopt.bench.convergence;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for long runs, redrawn with a carriage return at most every half second:
 * {@code [#########           ]  45%  12:03 elapsed, about 14:40 left  Adam lr 0.001 epoch 3/20}.
 */
public final class Progress {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 500_000_000L;

    private final PrintStream out;
    private final long total;
    private final long start = System.nanoTime();
    private long done;
    private long lastDraw;
    private int lastLength;

    /** A bar over {@code total} units of work, drawn on {@code out}, or nowhere when it is null. */
    public Progress(PrintStream out, long total) {
        this.out = out;
        this.total = Math.max(1, total);
    }

    /** Adds {@code units} of work done and redraws, with {@code what} after the bar. */
    public void advance(long units, String what) {
        done = Math.min(total, done + units);
        long now = System.nanoTime();
        if (out == null || (now - lastDraw < REDRAW_NANOS && done < total)) {
            return;
        }
        lastDraw = now;
        double fraction = (double) done / total;
        double elapsed = (now - start) / 1e9;
        int filled = (int) Math.round(fraction * WIDTH);
        String line = String.format(Locale.ROOT, "[%s%s] %3d%%  %s elapsed, about %s left  %s", "#".repeat(filled),
                " ".repeat(WIDTH - filled), Math.round(100 * fraction), clock(elapsed),
                done == 0 ? "?" : clock(elapsed * (total - done) / done), what);
        out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        lastLength = line.length();
        out.flush();
    }

    /** Ends the bar's line. */
    public void finish() {
        if (out != null && lastLength > 0) {
            out.println();
        }
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
