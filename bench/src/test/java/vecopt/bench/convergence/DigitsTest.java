package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DigitsTest {

    private static Digits digits;

    @BeforeAll
    static void load() {
        digits = Digits.load();
    }

    @Test
    void theDataSetHas1797ImagesOf64PixelsInTheUnitIntervalAndSklearnsClassCounts() {
        Digits.Dataset all = digits.all();
        assertEquals(1797, all.size());
        assertEquals(64, all.x().numCols);
        for (float v : all.x().data) {
            assertTrue(v >= 0 && v <= 1, "pixel " + v);
        }
        int[] counts = new int[10];
        for (int label : all.y()) {
            counts[label]++;
        }
        // sklearn.datasets.load_digits(): np.bincount(target)
        assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, counts);
        // The first image is a 0; its first row of pixels is 0 0 5 13 9 1 0 0 (in 16ths).
        assertEquals(0, all.y()[0]);
        assertEquals(5f / 16, all.x().get(0, 2));
        assertEquals(13f / 16, all.x().get(0, 3));
    }

    @Test
    void theSplitIsFixedDisjointAndCoversEveryImage() {
        Digits.Split a = digits.split();
        Digits.Split b = Digits.load().split();
        assertEquals(1437, a.train().size());
        assertEquals(360, a.test().size());
        assertArrayEquals(a.train().x().data, b.train().x().data);
        assertArrayEquals(a.test().y(), b.test().y());
        // Every image lands in exactly one part: compare the multisets of rows.
        Set<String> all = new HashSet<>();
        int duplicates = 0;
        for (Digits.Dataset d : new Digits.Dataset[] {digits.all()}) {
            for (int i = 0; i < d.size(); i++) {
                if (!all.add(row(d, i))) {
                    duplicates++;
                }
            }
        }
        java.util.Map<String, Integer> left = new java.util.HashMap<>();
        for (int i = 0; i < digits.all().size(); i++) {
            left.merge(row(digits.all(), i), 1, Integer::sum);
        }
        for (Digits.Dataset d : new Digits.Dataset[] {a.train(), a.test()}) {
            for (int i = 0; i < d.size(); i++) {
                left.merge(row(d, i), -1, Integer::sum);
            }
        }
        assertTrue(left.values().stream().allMatch(v -> v == 0), "split is not a partition of the images");
        assertTrue(duplicates < 10, "the data set has " + duplicates + " duplicate images");
    }

    private static String row(Digits.Dataset d, int i) {
        return d.y()[i] + ":" + Arrays.toString(Arrays.copyOfRange(d.x().data, i * 64, i * 64 + 64));
    }

    @Test
    void theShuffleIsSeededAndDiffersFromEpochToEpoch() {
        Digits.Dataset train = digits.split().train();
        int[] ranked = java.util.stream.IntStream.range(0, train.size()).toArray();
        Trainer.Schedule s = Trainer.Schedule.miniBatch(32, 3, 7);
        SplittableRandom r1 = new SplittableRandom(7);
        SplittableRandom r2 = new SplittableRandom(7);
        int[] e0 = Trainer.epochOrder(s, 0, ranked, r1);
        int[] e1 = Trainer.epochOrder(s, 1, ranked, r1);
        assertArrayEquals(e0, Trainer.epochOrder(s, 0, ranked, r2));
        assertArrayEquals(e1, Trainer.epochOrder(s, 1, ranked, r2));
        assertNotEquals(Arrays.toString(e0), Arrays.toString(e1));
        int[] sorted = e0.clone();
        Arrays.sort(sorted);
        assertArrayEquals(ranked, sorted, "an epoch visits every example once");
    }

    /**
     * The curriculum: epoch 0 visits the easiest 25% (distance to the class's mean image), the pool
     * grows linearly to everything by the middle epoch, and each epoch's pool is shuffled.
     */
    @Test
    void theCurriculumStartsWithTheEasiestQuarterAndGrowsToEverythingByTheMiddleEpoch() {
        Digits.Dataset train = digits.split().train();
        int n = train.size();
        double[] difficulty = train.difficulty();
        int[] ranked = Trainer.byDifficulty(train);
        for (int i = 1; i < n; i++) {
            assertTrue(difficulty[ranked[i - 1]] <= difficulty[ranked[i]]);
        }
        Trainer.Schedule s = Trainer.Schedule.curriculum(32, 10, 7);
        SplittableRandom random = new SplittableRandom(7);
        int[] sizes = new int[10];
        for (int e = 0; e < 10; e++) {
            int[] order = Trainer.epochOrder(s, e, ranked, random);
            sizes[e] = order.length;
            double hardestIn = Arrays.stream(order).mapToDouble(i -> difficulty[i]).max().orElseThrow();
            double easiestOut = Arrays.stream(ranked, order.length, n).mapToDouble(i -> difficulty[i]).min().orElse(
                    Double.POSITIVE_INFINITY);
            assertTrue(hardestIn <= easiestOut, "epoch " + e + " takes the easiest examples");
        }
        // ceil(1437 * (0.25 + 0.75 e / 5)) for e = 0..4, then all 1437.
        assertArrayEquals(new int[] {360, 575, 791, 1006, 1222, 1437, 1437, 1437, 1437, 1437}, sizes);
        // Typical digits are closer to their class mean than the hardest ones by a clear margin.
        assertTrue(difficulty[ranked[n - 1]] > 2 * difficulty[ranked[n / 2]]);
    }
}
