package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvergenceCommandTest {

    @TempDir
    Path dir;

    @Test
    void quickRunWritesEveryChartAndTheSummary() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ConvergenceCommand.run(List.of("--quick", "--out", dir.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, printed + err);
        assertTrue(printed.contains("wrote 38 files to "), printed);
        for (String name : List.of("saddle", "ravine", "rosenbrock", "beale", "two-minima")) {
            assertPng(dir.resolve("trajectories-" + name + ".png"), 1000, 700);
            assertPng(dir.resolve("loss-" + name + ".png"), 1000, 600);
        }
        // one panel per row of the table that runs on the test functions and Newton's, four to a line
        int panels = (int) OptimizerTable.all().stream().filter(OptimizerSetup::runsOnTestFunctions).count() + 1;
        assertPng(dir.resolve("lr-sensitivity-ravine.png"), 4 * 440, (panels + 3) / 4 * 330);
        // one state-format chart per optimizer that keeps compressible state: every row whose rule steps in one
        // element-wise pass over moments (17 of them), among them SGD's momentum, Adam's moments, Lion's, NAdam's
        for (String name : List.of("digits-softmax", "digits-mlp", "digits-mlp-schedules", "digits-mlp-averaging",
                "digits-mlp-state-sgd-momentum", "digits-mlp-state-sgd-nesterov", "digits-mlp-state-adam",
                "digits-mlp-state-adamw", "digits-mlp-state-lion", "digits-mlp-state-nadam", "digits-mlp-state-rmsprop")) {
            assertPng(dir.resolve(name + ".png"), 1400, 520);
        }
        assertPng(dir.resolve("linear-rates-ravine.png"), 900, 600);
        for (String name : List.of("saddle", "ravine", "rosenbrock", "beale")) {
            assertGif(dir.resolve("race-" + name + ".gif"), 6);
        }
        String summary = Files.readString(dir.resolve("summary.md"));
        assertTrue(summary.startsWith("# vecopt convergence suite\n\nQuick run: 1,000 steps"), summary);
        for (OptimizerSetup o : OptimizerTable.all()) {
            assertTrue(summary.contains("| " + o.label() + " |"), o.label());
        }
        for (String heading : List.of("## Summary", "## saddle", "## ravine", "## rosenbrock", "## beale",
                "## two-minima", "## Learning-rate sensitivity on the ravine", "## Digits", "| single example |",
                "| curriculum, mini-batch 32 |", "| Newton |", "| L-BFGS (strong Wolfe) |", "| Steepest (exact step) |",
                "### MLP with SGD+momentum (lr 0.05): last weights against their averages", "| last weights |",
                "| SWA of epochs 2-2 |", "| EMA 0.999 per step |", "### MLP with compressed optimizer state",
                "| Lion | 8-bit block-wise (blocks of 256) |", "| Adam | bfloat16 (stochastic rounding, seed 7) |")) {
            assertTrue(summary.contains(heading), heading);
        }
        // Muon steps matrices only: no test function, said in the summary and in each function's table
        assertTrue(summary.contains("| Muon | n/a (matrices only) | n/a (matrices only) |"), summary);
        assertTrue(summary.contains("| Muon | | | | | not run: Muon steps matrices only, the parameter here is a vector of 2 |"),
                summary);
        // Newton on the ravine: one step, no fallback.
        assertTrue(summary.contains("| Newton | — | 1 | 0 | (0, 0) | 0 of 1 steps were gradient steps"), summary);
    }

    @Test
    void unknownOptionsAndAMissingDirectoryAreUsageErrors() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(2, ConvergenceCommand.run(List.of("--fast"), o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("convergence: unknown option --fast"));
        assertEquals(2, ConvergenceCommand.run(List.of("--out"), o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("convergence: --out needs a directory"));
    }

    /** An animated GIF of {@code frames} frames of 560 x 380. */
    private static void assertGif(Path file, int frames) throws Exception {
        try (javax.imageio.stream.ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            javax.imageio.ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertEquals(frames, reader.getNumImages(true), file.toString());
            BufferedImage first = reader.read(0);
            assertEquals(560, first.getWidth(), file.toString());
            assertEquals(380, first.getHeight(), file.toString());
            reader.dispose();
        }
    }

    private static void assertPng(Path file, int width, int height) throws Exception {
        assertTrue(Files.size(file) > 10_000, file + " is " + Files.size(file) + " bytes");
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(width, image.getWidth(), file.toString());
        assertEquals(height, image.getHeight(), file.toString());
    }
}
