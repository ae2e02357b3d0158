package vecopt.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FloatTensorTest {

    @Test
    void zerosHasShapeSizeAndZeroElements() {
        FloatTensor t = FloatTensor.zeros(2, 3);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertEquals(6, t.size());
        assertEquals(2, t.rank());
        assertArrayEquals(new float[6], t.toArray());
    }

    @Test
    void scalarShapeHasOneElement() {
        assertEquals(1, FloatTensor.zeros().size());
    }

    @Test
    void filledSetsEveryElement() {
        assertArrayEquals(new float[] {1.5f, 1.5f, 1.5f}, FloatTensor.filled(1.5f, 3).toArray());
    }

    @Test
    void randomNormalIsReproducibleAndSeedDependent() {
        assertArrayEquals(FloatTensor.randomNormal(7, 100).toArray(), FloatTensor.randomNormal(7, 100).toArray());
        float[] a = FloatTensor.randomNormal(7, 1000).toArray();
        float[] b = FloatTensor.randomNormal(8, 1000).toArray();
        assertEquals(false, java.util.Arrays.equals(a, b));
        double mean = 0, sq = 0;
        for (float x : a) {
            mean += x;
            sq += x * x;
        }
        mean /= a.length;
        assertEquals(0, mean, 0.15);
        assertEquals(1, sq / a.length - mean * mean, 0.15);
    }

    @Test
    void randomUniformStaysInRange() {
        for (float x : FloatTensor.randomUniform(3, -2f, 5f, 10_000).toArray()) {
            assertEquals(true, x >= -2f && x < 5f, "value " + x);
        }
    }

    @Test
    void viewSharesTheModelsArrayWithoutCopying() {
        float[] model = {0, 1, 2, 3, 4, 5, 6};
        FloatTensor v = FloatTensor.view(model, 2, 4);
        assertSame(model, v.array());
        assertEquals(2, v.offset());
        assertEquals(2f, v.getFlat(0));
        v.setFlat(3, 42f);
        assertEquals(42f, model[5]);
        model[2] = -1f;
        assertEquals(-1f, v.get(0));
    }

    @Test
    void reshapedViewIndexesRowMajor() {
        float[] model = {9, 0, 1, 2, 3, 4, 5};
        FloatTensor m = FloatTensor.view(model, 1, 6).reshape(2, 3);
        assertEquals(5f, m.get(1, 2));
        assertEquals(3f, m.get(1, 0));
        m.set(7f, 0, 1);
        assertEquals(7f, model[2]);
    }

    @Test
    void copyOwnsItsArray() {
        float[] model = {1, 2, 3};
        FloatTensor c = FloatTensor.of(model).copy();
        assertNotSame(model, c.array());
        model[0] = 10;
        assertEquals(1f, c.getFlat(0));
    }

    @Test
    void copyFromCopiesBetweenViews() {
        float[] a = {0, 0, 0, 0};
        FloatTensor dst = FloatTensor.view(a, 1, 2);
        dst.copyFrom(FloatTensor.of(new float[] {5, 6}));
        assertArrayEquals(new float[] {0, 5, 6, 0}, a);
    }

    @Test
    void rejectsNegativeExtentNamingIt() {
        var e = assertThrows(IllegalArgumentException.class, () -> FloatTensor.zeros(2, -3));
        assertEquals("shape[1] must be >= 0, got -3 in [2, -3]", e.getMessage());
    }

    @Test
    void rejectsShapeLargerThanAnArray() {
        var e = assertThrows(IllegalArgumentException.class, () -> FloatTensor.zeros(65536, 65536));
        assertEquals("shape [65536, 65536] has more elements than a Java array holds", e.getMessage());
    }

    @Test
    void rejectsViewOffsetOutsideTheArray() {
        var e = assertThrows(IllegalArgumentException.class, () -> FloatTensor.view(new float[4], 5, 0));
        assertEquals("offset must be in [0, 4] (the array length), got 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FloatTensor.view(new float[4], -1, 0));
        assertEquals("offset must be in [0, 4] (the array length), got -1", e.getMessage());
    }

    @Test
    void rejectsViewLengthPastTheEnd() {
        var e = assertThrows(IllegalArgumentException.class, () -> FloatTensor.view(new float[4], 1, 4));
        assertEquals("length must be in [0, 3] (array length 4 minus offset 1), got 4", e.getMessage());
    }

    @Test
    void rejectsReshapeToAnotherSize() {
        var e = assertThrows(IllegalArgumentException.class, () -> FloatTensor.zeros(6).reshape(4, 2));
        assertEquals("shape [4, 2] has 8 elements, but the tensor has 6", e.getMessage());
    }

    @Test
    void rejectsOutOfRangeIndexNamingTheCoordinate() {
        var e = assertThrows(IndexOutOfBoundsException.class, () -> FloatTensor.zeros(2, 3).get(1, 3));
        assertEquals("index[1] must be in [0, 3), got 3 in [1, 3]", e.getMessage());
        var f = assertThrows(IndexOutOfBoundsException.class, () -> FloatTensor.view(new float[9], 2, 3).getFlat(3));
        assertEquals("flat index must be in [0, 3), got 3", f.getMessage());
    }

    @Test
    void rejectsCopyFromAnotherSizeLeavingDataUnchanged() {
        FloatTensor dst = FloatTensor.filled(1f, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> dst.copyFrom(FloatTensor.zeros(4)));
        assertEquals("source size must be 3 (this tensor's), got 4", e.getMessage());
        assertArrayEquals(new float[] {1, 1, 1}, dst.toArray());
    }
}
