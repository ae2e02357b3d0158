package vecopt.engine.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import vecopt.engine.Optimizer;

/**
 * Saves and loads the full state of an {@link Optimizer}: every group's hyperparameters, every
 * parameter's step count, scalar state and state buffers. Parameters themselves are the model's and
 * are not saved, as with PyTorch's {@code optimizer.state_dict()}.
 *
 * <p>The file is a <a href="https://github.com/huggingface/safetensors">safetensors</a> file, so
 * Python reads it with {@code safetensors.numpy.load_file}: an 8-byte little-endian header length, a
 * JSON header padded with spaces to a multiple of 8 bytes, then the buffers as raw little-endian
 * float32, back to back in header order. Each buffer is a tensor called
 * {@code "<parameter name>/<buffer name>"} (e.g. {@code "fc1.weight/exp_avg"}) with its parameter's
 * shape. The header's {@code __metadata__} (strings only, as safetensors requires) holds:
 * <ul>
 * <li>{@code format} {@value #FORMAT}, {@code version} {@value #VERSION}, {@code optimizer} the
 *     {@code torch.optim} class name ({@link Optimizer#torchName()});
 * <li>{@code groups}: JSON text, per group its hyperparameters (flags as booleans, numbers written
 *     so that they parse back to the same double) and its parameters in order, each with its name,
 *     size and, once it has stepped, its step count, buffer names and scalars (e.g. NAdam's
 *     {@code mu_product});
 * <li>{@code groups_crc32c}: the CRC32C of the {@code groups} text, so a damaged hyperparameter or
 *     step count is detected too;
 * <li>{@code crc32c}: JSON text mapping each tensor name to the CRC32C of its bytes (8 lower-case hex
 *     digits).
 * </ul>
 *
 * <p>Saving is crash-safe: the file is written next to its target, forced to disk, and moved over the
 * target atomically, so a crash at any moment leaves the previous checkpoint loadable. A killed save
 * may leave a temporary file {@code .<name>.<random>.tmp} behind in the directory.
 *
 * <p>Loading checks everything before it changes anything. Save, load and save again gives the same
 * bytes, and an optimizer loaded from a checkpoint continues bit for bit as the saved one would have.
 * Neither method is safe to call while another thread steps the optimizer.
 */
public final class Checkpoints {

    /** {@code __metadata__} format of an optimizer checkpoint. */
    public static final String FORMAT = "vecopt-optimizer-state";

    /** {@code __metadata__} version this vecopt writes and reads. */
    public static final String VERSION = "1";

    /** Longest header accepted, the limit of the safetensors reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000;

    private Checkpoints() {
    }

    /**
     * Writes {@code optimizer}'s state to {@code file}, replacing it atomically if it exists. The
     * buffers are written from the optimizer's own arrays, not copied first.
     *
     * @throws IOException if the file cannot be written; {@code file} is then unchanged
     */
    public static void save(Optimizer optimizer, Path file) throws IOException {
        CheckpointWriter.save(optimizer, file);
    }

    /**
     * Replaces {@code optimizer}'s state with the one saved in {@code file}. The file is checked
     * completely (header size: at most {@value #MAX_HEADER_BYTES} bytes and no longer than this
     * optimizer's state could need; JSON structure, dtypes, offsets, trailing bytes, checksums) and so is its
     * fit to the optimizer (same {@code torch.optim} class, the same groups with the same parameter
     * names and sizes in the same order, each buffer as long as its parameter, only state the rule
     * keeps, valid hyperparameters). The new state is staged aside and swapped in only when all of it
     * has passed.
     *
     * @throws CheckpointException if anything does not match, with a message that says what; the
     *         optimizer is then unchanged
     * @throws IOException if the file cannot be read; the optimizer is then unchanged
     */
    public static void load(Optimizer optimizer, Path file) throws IOException {
        try {
            CheckpointReader.load(optimizer, file);
        } catch (CheckpointException e) {
            throw new CheckpointException("cannot load " + file + ": " + e.getMessage());
        }
    }
}
