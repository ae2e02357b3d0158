package vecopt.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

class ThroughputChartTest {

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static List<Measurement> results() {
        List<Measurement> results = new ArrayList<>();
        for (int size : new int[] {4096, 65536, 1 << 20}) {
            for (String impl : SuitePlan.IMPLEMENTATIONS) {
                results.add(new Measurement("SgdBenchmark", impl, Workloads.SGD_MOMENTUM, size, 1, size * 0.3, 0));
            }
            results.add(new Measurement("SgdBenchmark", "panama", Workloads.SGD_MOMENTUM, size, 2, size * 0.2, 0));
            results.add(new Measurement("AdagradBenchmark", "panama", Workloads.ADAGRAD, size, 1, size * 0.4, 0));
            results.add(new Measurement("AdamDividerBoundBenchmark", "panama", Workloads.DIVIDER_BOUND,
                    size, 1, size * 0.5, 0));
        }
        return results;
    }

    @Test
    void oneChartPerRuleWithALinePerImplementationAndThreadCount() {
        List<XYChart> charts = ThroughputChart.charts(results());
        assertEquals(List.of("SGD momentum (Nesterov) (20 B/elem)", "Adagrad (20 B/elem)",
                "Adam divider bound (sqrt + div) (12 B/elem)"), charts.stream().map(XYChart::getTitle).toList());
        assertEquals(List.of("panama", "panama ×2 threads", "scalar", "scalarNoSuperWord", "ejmlUnfused", "bandwidth"),
                List.copyOf(charts.get(0).getSeriesMap().keySet()));
        // Adagrad has SGD momentum's traffic, so it is drawn against the same bandwidth reference.
        assertEquals(List.of("panama", "bandwidth"), List.copyOf(charts.get(1).getSeriesMap().keySet()));
    }

    @Test
    void writesAPngGridTwoChartsWide(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("throughput.png");
        ThroughputChart.write(results(), png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(2 * ThroughputChart.WIDTH, image.getWidth());
        assertEquals(2 * ThroughputChart.HEIGHT, image.getHeight());
    }

    @Test
    void singleSizeStillDraws(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("one.png");
        ThroughputChart.write(List.of(new Measurement("SgdBenchmark", "panama", Workloads.SGD, 4096, 1, 400, 0)), png);
        assertEquals(ThroughputChart.WIDTH, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void ticksNameWholePowersOfTwoOnly() {
        assertEquals("64Ki", ThroughputChart.log2Label(16.0));
        assertEquals(" ", ThroughputChart.log2Label(16.5));
        assertThrows(IllegalArgumentException.class, () -> ThroughputChart.write(results(), Path.of("chart.jpg")));
    }
}
