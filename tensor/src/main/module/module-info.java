/**
 * vecopt's float storage with a shape: {@link vecopt.tensor.FloatTensor}, often a view over a model's own array.
 */
module vecopt.tensor {
    exports vecopt.tensor;
}
