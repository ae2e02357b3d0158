package vecopt.engine.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import vecopt.engine.Optimizer;

/**
 * Saves and loads the full state of an {@link Optimizer} and of the schedulers that drive it: every
 * group's hyperparameters, every parameter's step count, scalar state and state buffers, the count
 * of skipped steps, the clipping, noise and non-finite settings, and each scheduler's position.
 * Parameters themselves are the model's and are not saved, as with PyTorch's
 * {@code optimizer.state_dict()}.
 *
 * <pre>
 * Checkpoints.save(optimizer, file, cosine, plateau);
 *
 * Optimizer resumed = ...;                                   // same groups and parameter names
 * var cosine2 = new HyperparameterScheduler(resumed, "lr", new CosineAnnealing(100, 0));
 * var plateau2 = ReduceOnPlateau.of(resumed);                // attach first, then load
 * Checkpoints.load(resumed, file, cosine2, plateau2);         // same kinds in the same order
 * </pre>
 *
 * <p>The file is a <a href="https://github.com/huggingface/safetensors">safetensors</a> file, so
 * Python reads it with {@code safetensors.numpy.load_file}: an 8-byte little-endian header length, a
 * JSON header padded with spaces to a multiple of 8 bytes, then the buffers as raw little-endian
 * float32, back to back in header order. Each buffer is a tensor called
 * {@code "<parameter name>/<buffer name>"} (e.g. {@code "fc1.weight/exp_avg"}) with its parameter's
 * shape. State stored compressed ({@link vecopt.engine.StateFormat}) is saved as it is stored: a
 * {@code BF16} tensor of bfloat16 bits, or a {@code U8} tensor of 8-bit codes plus an F32 tensor
 * {@code "<parameter>/<buffer>/absmax"} of one scale per block; the parameter's entry in
 * {@code groups} then has {@code "compressed": {"exp_avg": {"dtype": "U8", "block_size": 256,
 * "signed": true}, ...}}, and the settings name the format (below). Loading gives an optimizer whose
 * format was never set the checkpoint's format; an optimizer set to another format with
 * {@link Optimizer#setStateFormat} refuses the checkpoint. The header's {@code __metadata__} (strings
 * only, as safetensors requires) holds:
 * <ul>
 * <li>{@code format} {@value #FORMAT}, {@code version} {@value #VERSION}, {@code optimizer} the
 *     {@code torch.optim} class name ({@link Optimizer#torchName()});
 * <li>{@code groups}: JSON text, per group its hyperparameters (flags as booleans, numbers written
 *     so that they parse back to the same double) and its parameters in order, each with its name,
 *     size and, once it has stepped, its step count, buffer names and scalars (e.g. NAdam's
 *     {@code mu_product});
 * <li>{@code settings}: JSON text, {@code skipped_steps}, {@code non_finite_policy} (a
 *     {@link vecopt.engine.NonFinitePolicy} name), {@code gradient_clipping} ({@code {"kind":"none"}},
 *     {@code {"kind":"by_norm","max_norm":x}} or {@code {"kind":"by_value","clip_value":x}}) and
 *     {@code gradient_noise} ({@code {"eta":x,"gamma":y,"seed":n}}, eta 0 for none) and, unless the state
 *     is float32, {@code state_format} ({@code {"kind":"bfloat16","rounding":"nearest"}},
 *     {@code {"kind":"bfloat16","rounding":"stochastic","seed":n}} or
 *     {@code {"kind":"blockwise_8bit","block_size":256}}). A file without it (float32 state, or written
 *     before the format was saved) loads as float32 state, or, into an optimizer whose format was set,
 *     as that format, as such files always loaded. Unless they are the defaults, also
 *     {@code weight_rounding} ({@code {"kind":"stochastic","seed":n}}: how mixed-precision weights are
 *     rounded, {@link Optimizer#setWeightRounding}) and {@code loss_scale} (a number,
 *     {@link Optimizer#setLossScale}); loading a file without them sets rounding to nearest and a loss
 *     scale of 1;
 * <li>{@code schedulers}: JSON text, per scheduler in the order given its
 *     {@link Checkpointable#checkpointName() name} and its {@link Checkpointable#checkpointState() state}
 *     (whole numbers as integers, doubles as decimals that parse back to the same double, non-finite
 *     ones as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}), and for a
 *     {@link Checkpointable} that keeps arrays (Lookahead's slow weights) a {@code buffers} list of
 *     their names and lengths; each such array is a one-dimensional F32 tensor named
 *     {@code __schedulers__/<i>/<name>}, checksummed like the optimizer's buffers;
 * <li>{@code groups_crc32c}, {@code settings_crc32c}, {@code schedulers_crc32c}: the CRC32C of each of
 *     those texts, so a damaged hyperparameter, count or position is detected too;
 * <li>{@code crc32c}: JSON text mapping each tensor name to the CRC32C of its bytes (8 lower-case hex
 *     digits).
 * </ul>
 *
 * <p>Version 1 files (written before the settings and schedulers were saved) still load: their
 * groups and state are restored, and the optimizer keeps its own skipped-step count and clipping,
 * noise and non-finite settings, as version 1 loading did. They hold no scheduler positions, so
 * loading one with schedulers is refused.
 *
 * <p>Saving is crash-safe: the file is written next to its target, forced to disk, and moved over the
 * target atomically, so a crash at any moment leaves the previous checkpoint loadable. A killed save
 * may leave a temporary file {@code .<name>.<random>.tmp} behind in the directory.
 *
 * <p>Loading checks everything before it changes anything. Save, load and save again gives the same
 * bytes, and an optimizer loaded from a checkpoint, with its schedulers, continues bit for bit as the
 * saved one would have. Neither method is safe to call while another thread steps the optimizer or
 * its schedulers.
 */
public final class Checkpoints {

    /** {@code __metadata__} format of an optimizer checkpoint. */
    public static final String FORMAT = "vecopt-optimizer-state";

    /** {@code __metadata__} version this vecopt writes; it reads this one and {@code "1"}. */
    public static final String VERSION = "2";

    /** Longest header accepted, the limit of the safetensors reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000;

    private Checkpoints() {
    }

    /**
     * Writes the state of {@code optimizer} and of {@code schedulers} to {@code file}, replacing it
     * atomically if it exists. The buffers are written from the optimizer's own arrays, not copied first.
     *
     * @param schedulers what drives {@code optimizer} and has a position to resume from, in the order
     *     {@link #load} will be given them; none is fine
     * @param optimizer the optimizer whose state is saved
     * @param file the checkpoint; its directory must exist
     * @throws IllegalArgumentException if {@code optimizer} or {@code file} is null, {@code file} names no
     *     file inside a directory (such as {@code /}, {@code ""} or {@code ..}), or a scheduler is null,
     *     drives another optimizer or is given twice; nothing is written then
     * @throws IOException if the file cannot be written, naming {@code file} (the temporary file second);
     *     {@code file} is then unchanged
     */
    public static void save(Optimizer optimizer, Path file, Checkpointable... schedulers) throws IOException {
        List<Checkpointable> checked = checkSchedulers(optimizer, schedulers);
        checkFile(file);
        Path name = file.toAbsolutePath().getFileName();
        if (name == null || name.toString().isEmpty() || name.toString().equals(".") || name.toString().equals("..")
                || file.toString().isEmpty()) {
            throw new IllegalArgumentException("file must name a file inside a directory, got '" + file + "'");
        }
        CheckpointWriter.save(optimizer, file, checked);
    }

    /**
     * Replaces the state of {@code optimizer} and of {@code schedulers} with the one saved in
     * {@code file}. The file is checked completely (header size: at most {@value #MAX_HEADER_BYTES}
     * bytes and no longer than this optimizer's state could need; JSON structure, dtypes, offsets,
     * trailing bytes, checksums) and so is its fit to the optimizer (same {@code torch.optim} class,
     * the same groups with the same parameter names and sizes in the same order, each buffer as long
     * as its parameter, only state the rule keeps, valid hyperparameters and settings) and to the
     * schedulers (as many as were saved, with the same {@link Checkpointable#checkpointName() names} in
     * the same order, each position accepted by its scheduler). The new state is staged aside and
     * swapped in only when all of it has passed.
     *
     * <p>Attach the schedulers to {@code optimizer} before loading: attaching sets a hyperparameter,
     * which would overwrite the loaded value.
     *
     * @param optimizer the optimizer, with the same groups and parameter names as the saved one
     * @param file the checkpoint
     * @param schedulers the schedulers attached to {@code optimizer}, of the same kinds and in the same order as saved
     * @throws IllegalArgumentException if {@code optimizer} or {@code file} is null, or a scheduler is
     *     null, drives another optimizer or is given twice; nothing is read or changed then
     * @throws CheckpointException if anything does not match, with a message that says what; the
     *         optimizer and the schedulers are then unchanged
     * @throws IOException if the file cannot be read (a {@link java.nio.file.FileSystemException} naming
     *     {@code file} if it is a directory), with a message naming {@code file}; the optimizer and the
     *     schedulers are then unchanged
     */
    public static void load(Optimizer optimizer, Path file, Checkpointable... schedulers) throws IOException {
        List<Checkpointable> checked = checkSchedulers(optimizer, schedulers);
        checkFile(file);
        try {
            CheckpointReader.load(optimizer, file, checked);
        } catch (CheckpointException e) {
            throw new CheckpointException("cannot load " + file + ": " + e.getMessage());
        }
    }

    /**
     * Writes the state of {@code optimizer} and of {@code schedulers} to {@code out}: the same bytes as
     * {@link #save(Optimizer, Path, Checkpointable...)} writes to a file, from the optimizer's own arrays.
     * {@code out} is flushed, not closed. Not atomic: a failure can leave part of a checkpoint written.
     *
     * @param optimizer the optimizer whose state is saved
     * @param out the stream the checkpoint is written to, not null
     * @param schedulers what drives {@code optimizer} and has a position to resume from, in the order
     *     {@link #load} will be given them; none is fine
     * @throws IllegalArgumentException if an argument is null, or a scheduler is null, drives another
     *     optimizer or is given twice; nothing is written then
     * @throws IOException if {@code out} fails
     */
    public static void save(Optimizer optimizer, OutputStream out, Checkpointable... schedulers) throws IOException {
        List<Checkpointable> checked = checkSchedulers(optimizer, schedulers);
        notNull("out", out);
        CheckpointWriter.write(CheckpointWriter.encode(StateDict.capture(optimizer, checked, false)),
                Channels.newChannel(out));
        out.flush();
    }

    /**
     * {@link #save(Optimizer, OutputStream, Checkpointable...)} to a channel, which is left open at the
     * end of the checkpoint.
     *
     * @param optimizer the optimizer whose state is saved
     * @param out the channel the checkpoint is written to, not null
     * @param schedulers what drives {@code optimizer} and has a position to resume from, in the order
     *     {@link #load} will be given them; none is fine
     * @throws IllegalArgumentException if an argument is null, or a scheduler is null, drives another
     *     optimizer or is given twice; nothing is written then
     * @throws IOException if {@code out} fails
     */
    public static void save(Optimizer optimizer, WritableByteChannel out, Checkpointable... schedulers)
            throws IOException {
        List<Checkpointable> checked = checkSchedulers(optimizer, schedulers);
        notNull("out", out);
        CheckpointWriter.write(CheckpointWriter.encode(StateDict.capture(optimizer, checked, false)), out);
    }

    /**
     * Reads one checkpoint from {@code in}, exactly its bytes (the stream is left just after it, not
     * closed), and loads it as {@link #load(Optimizer, Path, Checkpointable...)} loads a file: checked
     * completely before anything changes. The checkpoint is gathered in memory first; its header may be
     * no longer, and its tensors no larger, than this optimizer's and schedulers' state can be, so a
     * damaged or hostile stream cannot make it allocate more.
     *
     * @param optimizer the optimizer, with the same groups and parameter names as the saved one
     * @param in the stream, positioned at the start of a checkpoint; not null
     * @param schedulers the schedulers attached to {@code optimizer}, of the same kinds and in the same order as saved
     * @throws IllegalArgumentException as {@link #load(Optimizer, Path, Checkpointable...)}, or if {@code in} is null
     * @throws CheckpointException if the stream ends early or anything does not match; the optimizer and
     *     the schedulers are then unchanged
     * @throws IOException if {@code in} fails; nothing is changed then either
     */
    public static void load(Optimizer optimizer, InputStream in, Checkpointable... schedulers) throws IOException {
        List<Checkpointable> checked = checkSchedulers(optimizer, schedulers);
        notNull("in", in);
        CheckpointReader.loadStream(optimizer, Channels.newChannel(in), checked);
    }

    /**
     * {@link #load(Optimizer, InputStream, Checkpointable...)} from a channel, left just after the checkpoint.
     *
     * @param optimizer the optimizer, with the same groups and parameter names as the saved one
     * @param in the channel, positioned at the start of a checkpoint; not null
     * @param schedulers the schedulers attached to {@code optimizer}, of the same kinds and in the same order as saved
     * @throws IllegalArgumentException as {@link #load(Optimizer, Path, Checkpointable...)}, or if {@code in} is null
     * @throws CheckpointException if the channel ends early or anything does not match; the optimizer and
     *     the schedulers are then unchanged
     * @throws IOException if {@code in} fails; nothing is changed then either
     */
    public static void load(Optimizer optimizer, ReadableByteChannel in, Checkpointable... schedulers)
            throws IOException {
        List<Checkpointable> checked = checkSchedulers(optimizer, schedulers);
        notNull("in", in);
        CheckpointReader.loadStream(optimizer, in, checked);
    }

    /**
     * A snapshot of the state of {@code optimizer} and of {@code schedulers} in memory, what
     * {@link #save(Optimizer, Path, Checkpointable...)} would write; every buffer is copied.
     *
     * @param optimizer the optimizer whose state is taken
     * @param schedulers what drives {@code optimizer} and has a position to resume from, in the order
     *     {@link #loadStateDict} will be given them; none is fine
     * @return the snapshot, independent of the optimizer from then on
     * @throws IllegalArgumentException if {@code optimizer} is null, or a scheduler is null, drives another
     *     optimizer or is given twice
     */
    public static StateDict stateDict(Optimizer optimizer, Checkpointable... schedulers) {
        return StateDict.capture(optimizer, checkSchedulers(optimizer, schedulers), true);
    }

    /**
     * Replaces the state of {@code optimizer} and of {@code schedulers} with {@code stateDict}, checked
     * exactly as a checkpoint file is ({@link #load(Optimizer, Path, Checkpointable...)}: same kind of
     * optimizer, same groups, parameter names and sizes, only state the rule keeps, valid
     * hyperparameters and settings, the same schedulers in the same order, each position accepted) before
     * anything changes. The arrays are copied in: the state dict can be loaded again.
     *
     * @param optimizer the optimizer, with the same groups and parameter names as the one the state was taken from
     * @param stateDict the state to load, not null; unchanged by loading
     * @param schedulers the schedulers attached to {@code optimizer}, of the same kinds and in the same order as
     *     in {@code stateDict}
     * @throws IllegalArgumentException if an argument is null, a scheduler is null, drives another
     *     optimizer or is given twice, or {@code stateDict} does not fit (the message says what); the
     *     optimizer and the schedulers are then unchanged
     */
    public static void loadStateDict(Optimizer optimizer, StateDict stateDict, Checkpointable... schedulers) {
        List<Checkpointable> checked = checkSchedulers(optimizer, schedulers);
        notNull("stateDict", stateDict);
        MemoryChannel memory = new MemoryChannel();
        try {
            CheckpointWriter.write(CheckpointWriter.encode(stateDict), memory);
            memory.position(0);
            CheckpointReader.load(optimizer, memory, checked);
        } catch (CheckpointException e) {
            throw new IllegalArgumentException("stateDict does not fit: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: memory does not fail", e);
        }
    }

    private static void notNull(String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    private static void checkFile(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
    }

    /** The schedulers as a list, after checking that each is there once and drives {@code optimizer}. */
    static List<Checkpointable> checkSchedulers(Optimizer optimizer, Checkpointable[] schedulers) {
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer must not be null");
        }
        if (schedulers == null) {
            throw new IllegalArgumentException("schedulers must not be null; pass none for none");
        }
        Map<Checkpointable, Integer> seen = new IdentityHashMap<>();
        List<Checkpointable> list = new ArrayList<>();
        for (int i = 0; i < schedulers.length; i++) {
            Checkpointable c = schedulers[i];
            if (c == null) {
                throw new IllegalArgumentException("schedulers[" + i + "] is null");
            }
            if (c.optimizer() != optimizer) {
                throw new IllegalArgumentException("schedulers[" + i + "] " + c.checkpointName()
                        + " drives another optimizer, not this " + optimizer.torchName());
            }
            Integer before = seen.put(c, i);
            if (before != null) {
                throw new IllegalArgumentException("schedulers[" + i + "] " + c.checkpointName()
                        + " is schedulers[" + before + "] again");
            }
            list.add(c);
        }
        return Collections.unmodifiableList(list);
    }
}
