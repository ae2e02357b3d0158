package vecopt.engine;

/**
 * A scalar of PyTorch's LBFGS as Python holds it: either a float32 0-dim tensor (a dot product, and
 * whatever is computed from one) or a Python number (lr, the line search's constants, and arithmetic
 * on them alone). Arithmetic and comparisons follow PyTorch's type promotion, so that the line search
 * and the stopping tests round as {@code torch.optim.LBFGS} does on float32 parameters:
 * <pre>
 * tensor op tensor, tensor op number   the number rounded to float32, then the operation in float32
 * number op number                     in double
 * number / tensor                      reciprocal(tensor) * number, two float32 roundings (Tensor.__rtruediv__)
 * comparisons                          in float32 if either side is a tensor, else in double
 * min, max                             Python's builtins: min(a, b) is b if b &lt; a, else a
 * </pre>
 * Whether a value is a tensor changes no value stored in it (a tensor's value is a float); it changes
 * how the next operation rounds.
 *
 * @param value  the value; a float's when {@code tensor}
 * @param tensor whether PyTorch would hold it in a float32 tensor
 */
record TorchScalar(double value, boolean tensor) {

    TorchScalar {
        if (tensor) {
            value = (float) value;
        }
    }

    /** A Python number. */
    static TorchScalar number(double value) {
        return new TorchScalar(value, false);
    }

    /** A float32 0-dim tensor holding {@code value} rounded to float. */
    static TorchScalar tensor(double value) {
        return new TorchScalar(value, true);
    }

    /** The value as an ATen kernel takes a Scalar argument ({@code alpha}) on float32 tensors. */
    float asFloat() {
        return (float) value;
    }

    TorchScalar plus(TorchScalar o) {
        return tensor || o.tensor ? tensor((float) value + (float) o.value) : number(value + o.value);
    }

    TorchScalar plus(double number) {
        return plus(number(number));
    }

    TorchScalar minus(TorchScalar o) {
        return tensor || o.tensor ? tensor((float) value - (float) o.value) : number(value - o.value);
    }

    TorchScalar minus(double number) {
        return minus(number(number));
    }

    TorchScalar times(TorchScalar o) {
        return tensor || o.tensor ? tensor((float) value * (float) o.value) : number(value * o.value);
    }

    TorchScalar times(double number) {
        return times(number(number));
    }

    TorchScalar dividedBy(TorchScalar o) {
        if (o.tensor && !tensor) { // Python's number / tensor: tensor.reciprocal() * number
            return tensor((1f / (float) o.value) * (float) value);
        }
        return tensor || o.tensor ? tensor((float) value / (float) o.value) : number(value / o.value);
    }

    TorchScalar dividedBy(double number) {
        return dividedBy(number(number));
    }

    TorchScalar abs() {
        return new TorchScalar(Math.abs(value), tensor);
    }

    TorchScalar sqrt() {
        return tensor ? tensor((float) Math.sqrt((float) value)) : number(Math.sqrt(value));
    }

    boolean lessThan(TorchScalar o) {
        return tensor || o.tensor ? (float) value < (float) o.value : value < o.value;
    }

    boolean lessThan(double number) {
        return lessThan(number(number));
    }

    boolean atMost(TorchScalar o) {
        return tensor || o.tensor ? (float) value <= (float) o.value : value <= o.value;
    }

    boolean atMost(double number) {
        return atMost(number(number));
    }

    boolean greaterThan(TorchScalar o) {
        return o.lessThan(this);
    }

    boolean greaterThan(double number) {
        return number(number).lessThan(this);
    }

    boolean atLeast(TorchScalar o) {
        return o.atMost(this);
    }

    boolean atLeast(double number) {
        return number(number).atMost(this);
    }

    /** Python's {@code min(a, b)}: {@code b} if {@code b < a}, else {@code a}. */
    static TorchScalar min(TorchScalar a, TorchScalar b) {
        return b.lessThan(a) ? b : a;
    }

    /** Python's {@code max(a, b)}: {@code b} if {@code b > a}, else {@code a}. */
    static TorchScalar max(TorchScalar a, TorchScalar b) {
        return b.greaterThan(a) ? b : a;
    }
}
