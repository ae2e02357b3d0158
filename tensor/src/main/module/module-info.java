module vecopt.tensor {
    exports vecopt.tensor;
}
