/**
 * Float storage with a shape. A {@link vecopt.tensor.FloatTensor} is a range of a {@code float[]}
 * with a row-major shape; {@link vecopt.tensor.FloatTensor#of(float[])} and
 * {@link vecopt.tensor.FloatTensor#view(float[], int, int)} wrap arrays a model already owns, so an
 * optimizer updates them in place without copying.
 */
package vecopt.tensor;
