package vecopt.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;

/**
 * What vecopt knows about one update rule without running it: its {@code torch.optim} class name,
 * its hyperparameters and their defaults, the state it keeps per parameter, and how to build an
 * optimizer that applies it. Everything that lists rules (the {@link Rules} registry,
 * {@link Optimizers#fromTorch}, checkpoint validation, the benchmarks' traffic table, the
 * convergence suite, the coverage tests) reads these descriptors instead of keeping its own list.
 *
 * <pre>
 * public static final Rule RULE = Rule.builder("Adam", DEFAULTS, Adam::new)
 *         .buffer("exp_avg").buffer("exp_avg_sq")
 *         .bufferWhen("max_exp_avg_sq", h -&gt; h.flag(AMSGRAD))
 *         .build();
 * </pre>
 */
public final class Rule {

    /** Builds the optimizer of a rule over the first group's parameters. */
    @FunctionalInterface
    public interface Factory {
        /**
         * Creates the optimizer.
         *
         * @param parameters the first group's parameters
         * @param hyperparameters the first group's hyperparameters
         * @return the optimizer
         */
        Optimizer create(List<Parameter> parameters, Hyperparameters hyperparameters);
    }

    /**
     * One state buffer: its PyTorch state name, its shape as a function of the parameter's shape
     * ({@link #LIKE_PARAMETER} for element-wise state), when it exists and its initial value; and for a
     * stack of rows ({@link #rows}), how many rows of that shape it holds with given hyperparameters
     * (LBFGS keeps {@code history_size} rows of past steps), null for any other buffer. A shape
     * function may return null for parameter shapes that keep no such buffer: Adafactor keeps
     * {@code row_var} and {@code col_var} for matrices and {@code variance} for vectors.
     *
     * @param name the state name, as in PyTorch's {@code optimizer.state}
     * @param shape the buffer's shape for a parameter's shape
     * @param presentWhen whether a parameter with given hyperparameters keeps it
     * @param initialValue the value of every element before the first step
     * @param rows the number of rows of a stack for given hyperparameters; null for other buffers
     */
    public record Buffer(String name, UnaryOperator<int[]> shape, Predicate<Hyperparameters> presentWhen,
                         ToDoubleFunction<Hyperparameters> initialValue, ToIntFunction<Hyperparameters> rows) {

        /** The shape of the parameter itself: one state element per parameter element. */
        public static final UnaryOperator<int[]> LIKE_PARAMETER = UnaryOperator.identity();

        /** Present with every option: required in a checkpoint once a parameter has stepped. */
        public static final Predicate<Hyperparameters> ALWAYS = h -> true;

        /** Checks that no component is null. */
        public Buffer {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(presentWhen, "presentWhen");
            Objects.requireNonNull(initialValue, "initialValue");
        }

        /**
         * A buffer that is not a stack of rows.
         *
         * @param name the state name
         * @param shape the buffer's shape for a parameter's shape, null for shapes that keep none
         * @param presentWhen whether a parameter with given hyperparameters keeps it
         * @param initialValue the value of every element before the first step
         */
        public Buffer(String name, UnaryOperator<int[]> shape, Predicate<Hyperparameters> presentWhen,
                      ToDoubleFunction<Hyperparameters> initialValue) {
            this(name, shape, presentWhen, initialValue, null);
        }

        /**
         * A stack of rows of the parameter's shape that every parameter keeps, starting at 0, with
         * {@code rows(h)} rows when created: shape {@code [rows, *parameter shape]}. The number of rows
         * is the rule's to keep in step with its hyperparameters; a checkpoint holds any whole number
         * of rows.
         *
         * @param name the state name
         * @param rows the number of rows it is created with, as a function of the hyperparameters
         * @return the buffer
         */
        public static Buffer rows(String name, ToIntFunction<Hyperparameters> rows) {
            Objects.requireNonNull(rows, "rows");
            return new Buffer(name, LIKE_PARAMETER, ALWAYS, h -> 0, rows);
        }

        /** {@return true for a stack of rows of the parameter's shape ({@link #rows(String, ToIntFunction)})} */
        public boolean stacked() {
            return rows != null;
        }

        /**
         * True if every parameter keeps it, whatever the options ({@link #ALWAYS}).
         *
         * @return whether it is always kept
         */
        public boolean always() {
            return presentWhen == ALWAYS;
        }

        /**
         * Whether a parameter with these hyperparameters keeps this buffer.
         *
         * @param h the hyperparameters
         * @return whether it is kept
         */
        public boolean presentFor(Hyperparameters h) {
            return presentWhen.test(h);
        }

        /**
         * True for a buffer of the parameter's own shape, read and written once per element per step.
         *
         * @return whether it is element-wise
         */
        public boolean elementWise() {
            return shape == LIKE_PARAMETER && !stacked();
        }

        /**
         * Its shape for a parameter of shape {@code parameterShape}, or null if such a parameter keeps none.
         *
         * @param parameterShape the parameter's shape
         * @return the buffer's shape (one row of a stack), or null
         */
        public int[] shapeFor(int[] parameterShape) {
            int[] s = shape.apply(parameterShape.clone());
            return s == null ? null : s.clone();
        }

        /**
         * Whether a parameter of shape {@code parameterShape} with hyperparameters {@code h} keeps this buffer.
         *
         * @param h the hyperparameters
         * @param parameterShape the parameter's shape
         * @return whether it is kept
         */
        public boolean keptFor(Hyperparameters h, int[] parameterShape) {
            return presentFor(h) && (elementWise() || shape.apply(parameterShape.clone()) != null);
        }

        /**
         * Its number of elements when created for a parameter of shape {@code parameterShape} with
         * hyperparameters {@code h}: a stack's rows times the parameter's size, otherwise {@link #length(int[])}.
         *
         * @param parameterShape the parameter's shape
         * @param h the hyperparameters
         * @return the number of elements
         * @throws IllegalArgumentException if such a parameter keeps no such buffer, or it would have
         *         more than 2^31 - 1 elements
         */
        public int length(int[] parameterShape, Hyperparameters h) {
            int one = length(parameterShape);
            if (!stacked()) {
                return one;
            }
            long n = (long) rows.applyAsInt(h) * one;
            if (n > Integer.MAX_VALUE || n < 0) {
                throw new IllegalArgumentException("buffer " + name + " of " + rows.applyAsInt(h) + " rows of "
                        + one + " elements has more than 2^31 - 1 elements");
            }
            return (int) n;
        }

        /**
         * Whether an array of {@code length} floats fits a parameter of {@code size} elements and shape
         * {@code parameterShape}: element-wise buffers have its size, stacks a whole number of rows of it,
         * others their shape's length (false if such a parameter keeps none).
         *
         * @param length the array's length
         * @param size the parameter's number of elements
         * @param parameterShape the parameter's shape
         * @return whether the array fits
         */
        public boolean fits(int length, int size, int[] parameterShape) {
            if (stacked()) {
                return size == 0 ? length == 0 : length % size == 0;
            }
            if (elementWise()) {
                return length == size;
            }
            return shapeFor(parameterShape) != null && length == length(parameterShape);
        }

        /**
         * The shape of an array of {@code length} floats of this buffer: a stack's rows first.
         *
         * @param length the array's length
         * @param size the parameter's number of elements
         * @param parameterShape the parameter's shape
         * @return the array's shape, or null if a parameter of that shape keeps no such buffer
         */
        public int[] shapeOf(int length, int size, int[] parameterShape) {
            int[] one = shapeFor(parameterShape);
            if (!stacked() || one == null) {
                return one;
            }
            int[] s = new int[one.length + 1];
            s[0] = size == 0 ? 0 : length / size;
            System.arraycopy(one, 0, s, 1, one.length);
            return s;
        }

        /**
         * Its number of elements for a parameter of shape {@code parameterShape} (one row of a stack).
         *
         * @param parameterShape the parameter's shape
         * @return the number of elements
         * @throws IllegalArgumentException if such a parameter keeps no such buffer
         */
        public int length(int[] parameterShape) {
            int[] s = shape.apply(parameterShape.clone());
            if (s == null) {
                throw new IllegalArgumentException("a parameter of shape " + Arrays.toString(parameterShape)
                        + " keeps no buffer " + name);
            }
            long n = 1;
            for (int d : s) {
                n *= d;
            }
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("buffer " + name + " of shape " + Arrays.toString(s)
                        + " has more than 2^31 - 1 elements");
            }
            return (int) n;
        }
    }

    /**
     * A scalar of state, kept in double, with its value before the first step as a function of the
     * hyperparameters (NAdam's {@code mu_product} starts at 1, ASGD's {@code eta} at {@code lr}).
     *
     * @param name the state name
     * @param initial its value before the first step, from the hyperparameters
     */
    public record Scalar(String name, ToDoubleFunction<Hyperparameters> initial) {
        /** Checks that no component is null. */
        public Scalar {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(initial, "initial");
        }

        /**
         * A scalar starting at {@code initialValue} whatever the hyperparameters.
         *
         * @param name the state name
         * @param initialValue its value before the first step
         */
        public Scalar(String name, double initialValue) {
            this(name, h -> initialValue);
        }

        /**
         * Its value before the first step of a parameter with hyperparameters {@code h}.
         *
         * @param h the hyperparameters
         * @return the initial value
         */
        public double initialValue(Hyperparameters h) {
            return initial.applyAsDouble(h);
        }
    }

    /**
     * Memory traffic of one step per parameter element: floats read (parameter, gradient and each
     * element-wise buffer) and written (parameter and each buffer), summed over the step's passes when
     * it makes several. The benchmarks' bandwidth bound.
     *
     * @param reads floats read per element
     * @param writes floats written per element
     */
    public record Traffic(int reads, int writes) {

        /**
         * Bytes moved per element.
         *
         * @return {@code 4 * (reads + writes)}
         */
        public int bytesPerElement() {
            return Float.BYTES * (reads + writes);
        }

        /**
         * {@code r4w3}: reads 4 floats and writes 3 per element.
         *
         * @return the traffic's shape as text
         */
        public String shape() {
            return "r" + reads + "w" + writes;
        }
    }

    /**
     * The parameter shapes a rule can step, with the sentence that tells a user what to do with the
     * others (Muon: matrices only, the rest to an AdamW).
     *
     * @param accepts whether a parameter of a shape is stepped
     * @param requirement what the rule steps, for the message refusing the others
     */
    public record Shapes(Predicate<int[]> accepts, String requirement) {

        /** Every shape: element-wise rules and Adafactor. */
        public static final Shapes ANY = new Shapes(s -> true, "any shape");

        /** Checks that no component is null. */
        public Shapes {
            Objects.requireNonNull(accepts, "accepts");
            Objects.requireNonNull(requirement, "requirement");
        }
    }

    private final String torchName;
    private final Hyperparameters defaults;
    private final List<Buffer> buffers;
    private final List<Scalar> scalars;
    private final Factory factory;
    private final Shapes shapes;
    private final boolean needsClosure;
    /** Why the rule cannot step mixed-precision parameters; null when it can (the default). */
    private final String mixedPrecisionRefusal;
    /** The width its Panama kernels run at on 512-bit CPUs; 0 for the provider's default. */
    private final int preferredVectorBits;

    /** The traffic a rule of several passes states; null for one pass over p, g and the buffers. */
    private final Function<Hyperparameters, Traffic> traffic;
    /** The buffers {@link StateFormat} may store compressed, in buffer order, each with whether it is signed. */
    private final Map<String, Boolean> compressibleBuffers;
    /** Why the rule keeps float32 state only; null when it marks compressible buffers or states no reason. */
    private final String compressedStateRefusal;

    private Rule(String torchName, Hyperparameters defaults, List<Buffer> buffers, List<Scalar> scalars,
                 Factory factory, Shapes shapes, boolean needsClosure, String mixedPrecisionRefusal,
                 int preferredVectorBits, Function<Hyperparameters, Traffic> traffic,
                 Map<String, Boolean> compressibleBuffers, String compressedStateRefusal) {
        this.torchName = torchName;
        this.defaults = defaults;
        this.buffers = List.copyOf(buffers);
        this.scalars = List.copyOf(scalars);
        this.factory = factory;
        this.shapes = shapes;
        this.needsClosure = needsClosure;
        this.mixedPrecisionRefusal = mixedPrecisionRefusal;
        this.preferredVectorBits = preferredVectorBits;
        this.traffic = traffic;
        this.compressibleBuffers = Collections.unmodifiableMap(new LinkedHashMap<>(compressibleBuffers));
        this.compressedStateRefusal = compressedStateRefusal;
    }

    /**
     * Starts the descriptor of the rule {@code torch.optim.<torchName>}.
     *
     * @param torchName the {@code torch.optim} class name
     * @param defaults PyTorch's defaults, which define the hyperparameters
     * @param factory the optimizer's constructor
     * @return the builder
     */
    public static Builder builder(String torchName, Hyperparameters defaults, Factory factory) {
        if (torchName == null || torchName.isBlank()) {
            throw new IllegalArgumentException("torchName must not be blank, got "
                    + (torchName == null ? null : "'" + torchName + "'"));
        }
        if (defaults == null) {
            throw new IllegalArgumentException("defaults of " + torchName + " must not be null");
        }
        if (factory == null) {
            throw new IllegalArgumentException("factory of " + torchName + " must not be null");
        }
        return new Builder(torchName, defaults, factory);
    }

    /**
     * The {@code torch.optim} class name, e.g. {@code "Adam"}; the rule's name everywhere in vecopt.
     *
     * @return the class name
     */
    public String torchName() {
        return torchName;
    }

    /**
     * PyTorch's defaults; they also define which hyperparameters the rule has.
     *
     * @return the defaults
     */
    public Hyperparameters defaults() {
        return defaults;
    }

    /**
     * Every buffer the rule may keep, whatever its options.
     *
     * @return the buffers
     */
    public List<Buffer> buffers() {
        return buffers;
    }

    /**
     * The buffers a parameter keeps with hyperparameters {@code h}.
     *
     * @param h the hyperparameters
     * @return the buffers kept with {@code h}
     */
    public List<Buffer> buffers(Hyperparameters h) {
        return buffers.stream().filter(b -> b.presentFor(h)).toList();
    }

    /**
     * The buffers a parameter of shape {@code parameterShape} keeps with hyperparameters {@code h}.
     *
     * @param h the hyperparameters
     * @param parameterShape the parameter's shape
     * @return the buffers kept
     */
    public List<Buffer> buffers(Hyperparameters h, int[] parameterShape) {
        return buffers.stream().filter(b -> b.keptFor(h, parameterShape)).toList();
    }

    /**
     * The parameter shapes this rule steps.
     *
     * @return the shapes
     */
    public Shapes shapes() {
        return shapes;
    }

    /**
     * Whether this rule steps a parameter of shape {@code shape}.
     *
     * @param shape the parameter's shape
     * @return whether it is stepped
     */
    public boolean accepts(int[] shape) {
        return shapes.accepts().test(shape.clone());
    }

    /**
     * Throws unless this rule steps a parameter of {@code p}'s shape.
     *
     * @param p the parameter
     * @throws IllegalArgumentException naming the rule, the parameter, its shape and what to do instead
     */
    public void checkShape(Parameter p) {
        int[] shape = p.shape();
        if (!accepts(shape)) {
            throw new IllegalArgumentException(torchName + " steps " + shapes.requirement() + "; parameter "
                    + p.name() + " has shape " + Arrays.toString(shape));
        }
    }

    /**
     * The buffer called {@code name}, or null if the rule keeps none.
     *
     * @param name the buffer's state name
     * @return the buffer, or null
     */
    public Buffer buffer(String name) {
        for (Buffer b : buffers) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        return null;
    }

    /**
     * Every scalar of state.
     *
     * @return the scalars
     */
    public List<Scalar> scalars() {
        return scalars;
    }

    /**
     * Whether a step evaluates the objective itself, several times, as PyTorch's LBFGS does: such an
     * optimizer steps only through {@link Optimizer#step(Optimizer.LossClosure)}, and {@link Optimizer#step()}
     * refuses. Tests and tools that feed gradients to {@code step()} leave these rules out.
     *
     * @return whether a step needs a closure
     */
    public boolean needsClosure() {
        return needsClosure;
    }

    /**
     * Whether the rule steps mixed-precision parameters ({@link Parameter#mixed(String,
     * vecopt.tensor.SegmentTensor, vecopt.tensor.SegmentTensor)}): true unless its builder said
     * {@link Builder#refusesMixedPrecision}. Such a parameter is stepped through the rule's own plan
     * and float32 kernels, handed the parameter's float32 master copy (state {@value Optimizer#MASTER})
     * as the value and its gradient in float32 (a low-precision one widened block by block); after
     * the last pass the master is rounded to the weights. A rule whose step reads or writes the
     * parameter outside the arrays its kernels are handed refuses them.
     *
     * @return whether mixed-precision parameters are stepped
     */
    public boolean stepsMixedPrecision() {
        return mixedPrecisionRefusal == null;
    }

    /**
     * Why the rule refuses mixed-precision parameters, for messages.
     *
     * @return the reason, or null if it steps them
     */
    public String mixedPrecisionRefusal() {
        return mixedPrecisionRefusal;
    }

    /**
     * The vector width, in bits, the rule's Panama kernels run at on a CPU with 512-bit vectors when
     * {@code -Dvecopt.vectorBitSize} is not given ({@link
     * vecopt.engine.kernels.OptimizerKernelsProvider#forRule}); 0 when the rule states none, for the
     * provider's default width. The bits of a step do not depend on it.
     *
     * @return 128, 256 or 512, or 0
     */
    public int preferredVectorBits() {
        return preferredVectorBits;
    }

    /**
     * Floats read and written per parameter element by one step with hyperparameters {@code h}: one
     * pass that reads p, g and every element-wise buffer and writes p and the buffers, unless the rule
     * states its own ({@link Builder#traffic}).
     *
     * @param h the hyperparameters
     * @return the traffic
     */
    public Traffic traffic(Hyperparameters h) {
        if (traffic != null) {
            return traffic.apply(h);
        }
        int elementWise = (int) buffers(h).stream().filter(Buffer::elementWise).count();
        return new Traffic(2 + elementWise, 1 + elementWise);
    }

    /**
     * The buffers {@link Optimizer#setStateFormat} may store as bfloat16 or block-wise 8-bit, by name in
     * the order of {@link #buffers()}, each with whether its values may be negative (the signed 8-bit
     * map) or never are (second moments, sums of squares: the unsigned map, twice as fine). Empty for a
     * rule that keeps float32 state only. A rule whose step is one element-wise pass over its state
     * marks its moments ({@link Builder#compressible}); rules with fused kernels over compressed state
     * (Adam, AdamW, SGD, Lion) run them, every other one its own float32 kernel on each block of state
     * decoded into scratch (docs/storage.md).
     *
     * @return the compressible buffers' names, each with whether it is signed; unmodifiable
     */
    public Map<String, Boolean> compressibleBuffers() {
        return compressibleBuffers;
    }

    /**
     * Whether {@link Optimizer#setStateFormat} takes a format other than float32: some buffer is compressible.
     *
     * @return whether the state can be stored compressed
     */
    public boolean compressesState() {
        return !compressibleBuffers.isEmpty();
    }

    /**
     * Why the rule keeps its state in float32 only, for messages; null when it {@link #compressesState()}.
     *
     * @return the reason, or null
     */
    public String compressedStateRefusal() {
        if (compressesState()) {
            return null;
        }
        return compressedStateRefusal != null ? compressedStateRefusal
                : "its descriptor marks no buffer compressible (Rule.Builder.compressible)";
    }

    /**
     * A new optimizer of this rule over {@code parameters}, all in its first group.
     *
     * @param parameters the first group's parameters
     * @param hyperparameters the first group's hyperparameters
     * @return the optimizer
     */
    public Optimizer create(List<Parameter> parameters, Hyperparameters hyperparameters) {
        return factory.create(parameters, hyperparameters);
    }

    @Override
    public String toString() {
        return torchName;
    }

    /** Collects a rule's state layout. */
    public static final class Builder {

        private final String torchName;
        private final Hyperparameters defaults;
        private final Factory factory;
        private final List<Buffer> buffers = new ArrayList<>();
        private final List<Scalar> scalars = new ArrayList<>();
        private Shapes shapes = Shapes.ANY;
        private boolean needsClosure;
        private String mixedPrecisionRefusal;
        private int preferredVectorBits;
        private Function<Hyperparameters, Traffic> traffic;
        private final Map<String, Boolean> compressible = new LinkedHashMap<>();
        private String compressedStateRefusal;

        private Builder(String torchName, Hyperparameters defaults, Factory factory) {
            this.torchName = torchName;
            this.defaults = defaults;
            this.factory = factory;
        }

        /**
         * An element-wise buffer every parameter keeps, starting at 0.
         *
         * @param name the state name
         * @return this builder
         */
        public Builder buffer(String name) {
            return add(new Buffer(name, Buffer.LIKE_PARAMETER, Buffer.ALWAYS, h -> 0));
        }

        /**
         * An element-wise buffer kept only with some options, starting at 0.
         *
         * @param name the state name
         * @param presentWhen whether a parameter with given hyperparameters keeps it
         * @return this builder
         */
        public Builder bufferWhen(String name, Predicate<Hyperparameters> presentWhen) {
            return add(new Buffer(name, Buffer.LIKE_PARAMETER, presentWhen, h -> 0));
        }

        /**
         * Any buffer: factored or per-tensor shapes, initial values from the hyperparameters.
         *
         * @param buffer the buffer
         * @return this builder
         */
        public Builder add(Buffer buffer) {
            if (buffers.stream().anyMatch(b -> b.name().equals(buffer.name()))) {
                throw new IllegalArgumentException(torchName + " already has a buffer " + buffer.name());
            }
            buffers.add(buffer);
            return this;
        }

        /**
         * A scalar of state and its value before the first step.
         *
         * @param name the state name
         * @param initialValue its value before the first step
         * @return this builder
         */
        public Builder scalar(String name, double initialValue) {
            scalars.add(new Scalar(name, initialValue));
            return this;
        }

        /**
         * A scalar of state whose value before the first step depends on the hyperparameters.
         *
         * @param name the state name
         * @param initialValue its value before the first step, from the hyperparameters
         * @return this builder
         */
        public Builder scalar(String name, ToDoubleFunction<Hyperparameters> initialValue) {
            scalars.add(new Scalar(name, initialValue));
            return this;
        }

        /**
         * The parameter shapes the rule steps; {@link Shapes#ANY} unless set.
         *
         * @param shapes the shapes
         * @return this builder
         */
        public Builder shapes(Shapes shapes) {
            this.shapes = Objects.requireNonNull(shapes, "shapes");
            return this;
        }

        /**
         * The rule's step evaluates the objective through a closure ({@link Rule#needsClosure()}).
         *
         * @return this builder
         */
        public Builder needsClosure() {
            needsClosure = true;
            return this;
        }

        /**
         * The rule cannot step mixed-precision parameters ({@link Rule#stepsMixedPrecision()}): its
         * step reads or writes the parameter outside the arrays its kernels are handed.
         *
         * @param reason what the step does that a master copy cannot stand in for, for the refusal's message
         * @return this builder
         */
        public Builder refusesMixedPrecision(String reason) {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("reason must not be blank, got "
                        + (reason == null ? null : "'" + reason + "'"));
            }
            mixedPrecisionRefusal = reason;
            return this;
        }

        /**
         * The vector width the rule's Panama kernels run fastest at on CPUs with 512-bit vectors, as its
         * benchmark measured it ({@link Rule#preferredVectorBits()}). The built-in rules state theirs:
         * measured with each rule's {@code vecopt.bench.speed.*Benchmark.panama} at 256 and 512 bits,
         * see {@code docs/benchmarks.md}, "Vector width per rule".
         *
         * @param bits 128, 256 or 512
         * @return this builder
         */
        public Builder preferredVectorBits(int bits) {
            if (bits != 128 && bits != 256 && bits != 512) {
                throw new IllegalArgumentException("bits must be 128, 256 or 512, got " + bits);
            }
            preferredVectorBits = bits;
            return this;
        }

        /**
         * The traffic of a rule whose step makes several passes (a norm, then the update): floats read
         * and written per element over all of them, for the given hyperparameters.
         *
         * @param traffic the traffic for given hyperparameters
         * @return this builder
         */
        public Builder traffic(Function<Hyperparameters, Traffic> traffic) {
            this.traffic = Objects.requireNonNull(traffic, "traffic");
            return this;
        }

        /**
         * Buffers whose values may be negative (first moments, momenta, averages of parameters) that
         * {@link Optimizer#setStateFormat} may store compressed, 8-bit ones in the signed map
         * ({@link Rule#compressibleBuffers()}). Only for a rule whose step is one element-wise pass:
         * the optimizer decodes a block of every compressed buffer into scratch, runs the rule's
         * float32 kernel on it with state offset 0 and encodes it again, so a kernel must use its state
         * offset only to index state.
         *
         * @param names element-wise buffers of this rule, added before
         * @return this builder
         */
        public Builder compressible(String... names) {
            return markCompressible(true, names);
        }

        /**
         * Buffers that are never negative (second moments, sums and averages of squares), stored compressed
         * as {@link #compressible} says, 8-bit ones in the unsigned map.
         *
         * @param names element-wise buffers of this rule, added before
         * @return this builder
         */
        public Builder compressibleNonNegative(String... names) {
            return markCompressible(false, names);
        }

        private Builder markCompressible(boolean signed, String... names) {
            for (String name : names) {
                Buffer b = buffers.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
                if (b == null || !b.elementWise()) {
                    throw new IllegalArgumentException(torchName + " has no element-wise buffer " + name
                            + " to mark compressible; its buffers are "
                            + buffers.stream().map(Buffer::name).toList());
                }
                if (compressible.containsKey(name)) {
                    throw new IllegalArgumentException(torchName + "'s buffer " + name + " is marked compressible twice");
                }
                compressible.put(name, signed);
            }
            return this;
        }

        /**
         * The rule keeps float32 state only, and why ({@link Rule#compressedStateRefusal()}): its step
         * makes several passes (a norm, a matrix product) or its state is not moments.
         *
         * @param reason what stands in the way, for the refusal's message
         * @return this builder
         */
        public Builder keepsFloat32State(String reason) {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("reason must not be blank, got "
                        + (reason == null ? null : "'" + reason + "'"));
            }
            compressedStateRefusal = reason;
            return this;
        }

        /**
         * The descriptor, to register with {@link Rules#register} or as a class's {@code RULE}.
         *
         * @return the rule
         * @throws IllegalArgumentException if the rule both marks compressible buffers and keeps float32 state
         */
        public Rule build() {
            if (!compressible.isEmpty() && compressedStateRefusal != null) {
                throw new IllegalArgumentException(torchName + " marks " + compressible.keySet()
                        + " compressible but keeps float32 state: " + compressedStateRefusal);
            }
            Map<String, Boolean> ordered = new LinkedHashMap<>(); // in buffer order, whatever the order of the marks
            for (Buffer b : buffers) {
                if (compressible.containsKey(b.name())) {
                    ordered.put(b.name(), compressible.get(b.name()));
                }
            }
            return new Rule(torchName, defaults, buffers, scalars, factory, shapes, needsClosure, mixedPrecisionRefusal,
                    preferredVectorBits, traffic, ordered, compressedStateRefusal);
        }
    }
}
