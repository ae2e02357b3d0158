package vecopt.bench.convergence;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import vecopt.engine.Optimizer;
import vecopt.engine.ParamGroup;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * Animated GIFs (JDK ImageIO) of optimizers racing on a test function: every frame is the static
 * trajectory chart ({@link Charts#trajectories}: same contours, same colours) with each run cut at
 * the frame's step; frame steps grow geometrically, so the first steps are as visible as the last.
 * Beside a few table rows races SGD with momentum annealed linearly from 0.5 to 0.9 over
 * {@link #ANNEAL_STEPS} steps, against the table's fixed 0.9 at the same rate.
 */
public final class RaceAnimation {

    /** The table rows that race. */
    public static final List<String> RACERS = List.of("SGD", "SGD+momentum", "Adagrad", "RMSprop", "Adam");
    public static final String ANNEALED = "SGD+momentum 0.5→0.9";
    public static final int ANNEAL_STEPS = 100;
    static final int WIDTH = 560;
    static final int HEIGHT = 380;
    /** Hundredths of a second per frame; the last frame stays four times as long. */
    static final int DELAY = 12;

    private RaceAnimation() {
    }

    /** The racers' runs on {@code fn} from the function runs of the suite, and the annealed-momentum run. */
    public static List<Trajectory> racers(ConvergenceSuite.FunctionRuns f, int steps) {
        Map<String, Trajectory> byLabel = new LinkedHashMap<>();
        for (Trajectory t : f.optimizers()) {
            if (t != null) { // a row whose rule cannot step the function's vector (Muon) did not run
                byLabel.put(t.label(), t);
            }
        }
        List<Trajectory> runs = new ArrayList<>();
        for (String label : RACERS) {
            runs.add(byLabel.get(label));
        }
        runs.add(annealed(f.fn(), OptimizerTable.get("SGD+momentum").lr().of(f.fn()), steps));
        return runs;
    }

    /** SGD from {@code fn.start()} with momentum 0.5 + 0.4 min(1, t / ANNEAL_STEPS) at step t (0-based). */
    static Trajectory annealed(TestFunction fn, double lr, int steps) {
        FloatTensor value = FloatTensor.of(new float[] {(float) fn.start()[0], (float) fn.start()[1]});
        FloatTensor grad = FloatTensor.zeros(2);
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("lr", lr);
        kwargs.put("momentum", 0.5);
        Optimizer sgd = vecopt.engine.Optimizers.fromTorch("SGD", List.of(new Parameter("xy", value, grad)), kwargs);
        TrajectoryRecorder points = new TrajectoryRecorder(fn, steps, value.getFlat(0), value.getFlat(1));
        double[] g = new double[2];
        int t = 0;
        while (points.running()) {
            double momentum = 0.5 + 0.4 * Math.min(1.0, (double) t / ANNEAL_STEPS);
            for (ParamGroup group : sgd.paramGroups()) {
                group.set("momentum", momentum);
            }
            fn.gradient(value.getFlat(0), value.getFlat(1), g);
            grad.setFlat(0, (float) g[0]);
            grad.setFlat(1, (float) g[1]);
            sgd.step();
            points.record(value.getFlat(0), value.getFlat(1));
            t++;
        }
        return points.trajectory(ANNEALED, lr, 0);
    }

    /** Writes {@code frames} frames of the race, up to step {@code steps}, to {@code file}. */
    public static void write(TestFunction fn, List<Trajectory> runs, int steps, int frames, Path file) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        Files.deleteIfExists(file);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            int last = -1;
            for (int k = 1; k <= frames; k++) {
                int step = (int) Math.round(Math.pow(steps, (double) k / frames));
                if (step == last) {
                    continue;
                }
                last = step;
                List<Trajectory> cut = new ArrayList<>();
                for (Trajectory t : runs) {
                    cut.add(t.head(Math.min(step, t.steps())));
                }
                XYChart chart = Charts.trajectories(fn, cut, WIDTH, HEIGHT);
                chart.setTitle(fn.name() + ", step " + step);
                // The GIF writer builds each frame's palette itself (no dithering, which would defeat the compression).
                BufferedImage rgb = BitmapEncoder.getBufferedImage(chart);
                writer.writeToSequence(new IIOImage(rgb, null, metadata(writer, rgb, k == frames ? 4 * DELAY : DELAY,
                        k == 1)), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
    }

    private static IIOMetadata metadata(ImageWriter writer, BufferedImage image, int delay, boolean first)
            throws IOException {
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), null);
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("delayTime", Integer.toString(delay));
        control.setAttribute("transparentColorIndex", "0");
        root.appendChild(control);
        if (first) {
            IIOMetadataNode apps = new IIOMetadataNode("ApplicationExtensions");
            IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
            loop.setAttribute("applicationID", "NETSCAPE");
            loop.setAttribute("authenticationCode", "2.0");
            loop.setUserObject(new byte[] {1, 0, 0});
            apps.appendChild(loop);
            root.appendChild(apps);
        }
        meta.setFromTree(format, root);
        return meta;
    }
}
