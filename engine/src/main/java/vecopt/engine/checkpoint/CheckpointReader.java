package vecopt.engine.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import vecopt.engine.GradientClipping;
import vecopt.engine.GradientNoise;
import vecopt.engine.Hyperparameter;
import vecopt.engine.Hyperparameters;
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Optimizer;
import vecopt.engine.ParamGroup;
import vecopt.engine.Parameter;
import vecopt.engine.ParameterState;
import vecopt.engine.CompressedBuffer;
import vecopt.engine.Rule;
import vecopt.engine.StateFormat;
import vecopt.engine.WeightRounding;
import vecopt.engine.internal.EngineAccess;

/**
 * Reads a checkpoint into a staged copy of the optimizer's state, checking everything against the file
 * and against the live optimizer, and swaps it in only when every check has passed.
 *
 * <p>Nothing is allocated from a length in the file before that length has been checked against the
 * file's actual size, so a damaged or hostile file cannot cause an OutOfMemoryError.
 */
final class CheckpointReader {

    /** The metadata of version 1, which held no settings and no schedulers. */
    private static final Set<String> METADATA_KEYS_V1 =
            Set.of("format", "version", "optimizer", "groups", "groups_crc32c", "crc32c");
    private static final Set<String> METADATA_KEYS = Set.of("format", "version", "optimizer", "groups",
            "groups_crc32c", "settings", "settings_crc32c", "schedulers", "schedulers_crc32c", "crc32c");
    private static final Set<String> SETTINGS_KEYS =
            Set.of("skipped_steps", "non_finite_policy", "gradient_clipping", "gradient_noise");
    /** Settings written only when they are not the defaults (float32 state, rounding to nearest, loss scale 1). */
    private static final Set<String> OPTIONAL_SETTINGS_KEYS = Set.of("state_format", "weight_rounding", "loss_scale");
    private static final Set<String> NOISE_KEYS = Set.of("eta", "gamma", "seed");
    private static final Set<String> SCHEDULER_KEYS = Set.of("name", "state");
    private static final Set<String> SCHEDULER_KEYS_WITH_BUFFERS = Set.of("name", "state", "buffers");
    private static final Set<String> TENSOR_KEYS = Set.of("dtype", "shape", "data_offsets");
    private static final Set<String> GROUP_KEYS = Set.of("hyperparameters", "params");
    private static final Set<String> GROUP_KEYS_WITH_CLIPPING = Set.of("hyperparameters", "gradient_clipping", "params");
    private static final Set<String> PARAM_KEYS_WITHOUT_STATE = Set.of("name", "size");
    private static final Set<String> PARAM_KEYS_WITH_STATE = Set.of("name", "size", "step", "buffers", "scalars");
    private static final Set<String> PARAM_KEYS_WITH_COMPRESSED_STATE =
            Set.of("name", "size", "step", "buffers", "scalars", "compressed");
    private static final Set<String> BF16_KEYS = Set.of("dtype");
    private static final Set<String> U8_KEYS = Set.of("dtype", "block_size", "signed");

    /** Suffix of the tensor holding an 8-bit buffer's per-block scales: {@code <param>/<buffer>/absmax}. */
    static final String ABSMAX = "absmax";

    /** How a compressed buffer is stored: BF16, or U8 codes with blocks of {@code blockSize} and a map. */
    private record CompressedSpec(String dtype, int blockSize, boolean signed) {
    }

    /** One parameter's state, as the groups metadata describes it, until its buffers are read. */
    private record StagedParameter(Parameter parameter, long step, Map<String, Double> scalars,
                                   Map<String, float[]> buffers, Map<String, CompressedSpec> compressed,
                                   Map<String, Object> raw) {
    }

    /** A tensor entry of the header, checked against the parameter it belongs to. */
    private record Entry(String name, long begin, long end, int elements, String crc, Target target) {
    }

    /**
     * Where a tensor goes: {@code buffer} of {@code owner} ("parameter fc1" or "scheduler 0 ..."), of
     * {@code size} elements of {@code dtype}, handed to {@code into} as a float[], short[] or byte[].
     */
    private record Target(String owner, String buffer, int size, boolean rows, String sizeOwner, String dtype,
                          java.util.function.BiConsumer<String, Object> into) {

        Target(String owner, String buffer, int size, boolean rows, String sizeOwner, Map<String, float[]> floats) {
            this(owner, buffer, size, rows, sizeOwner, "F32", (name, data) -> floats.put(name, (float[]) data));
        }

        int elementBytes() {
            return dtype.equals("F32") ? 4 : dtype.equals("BF16") ? 2 : 1;
        }
    }

    /** A scheduler's saved position and buffers, restored once its buffers have been read. */
    private record PendingRestore(Checkpointable live, String where, Map<String, Number> state,
                                  Map<String, Integer> lengths, Map<String, float[]> buffers) {
    }

    /**
     * The step settings a version 2 file holds, checked; {@code stateFormat} null if it names none, the
     * rounding and loss scale the defaults if it names none.
     */
    private record Settings(long skippedSteps, NonFinitePolicy policy, GradientClipping clipping,
                            GradientNoise noise, StateFormat stateFormat, WeightRounding weightRounding,
                            double lossScale) {
    }

    private final Optimizer optimizer;
    private final List<Checkpointable> schedulers;
    private final SeekableByteChannel in;
    private final long fileSize;
    /** How the checkpoint's state is stored, once its settings are read: what the optimizer will store. */
    private StateFormat format;
    /** Whether the checkpoint's settings name {@link #format}, rather than it being inferred. */
    private boolean formatNamed;

    private CheckpointReader(Optimizer optimizer, List<Checkpointable> schedulers, SeekableByteChannel in,
                             long fileSize) {
        this.optimizer = optimizer;
        this.schedulers = schedulers;
        this.in = in;
        this.fileSize = fileSize;
    }

    /** {@code schedulers} have been checked ({@link Checkpoints#checkSchedulers}). */
    static void load(Optimizer optimizer, Path file, List<Checkpointable> schedulers) throws IOException {
        if (Files.isDirectory(file)) {
            // Linux opens a directory for reading and fails only at the first read, with no path
            throw new FileSystemException(file.toString(), null, "is a directory, not a checkpoint file");
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            load(optimizer, in, schedulers);
        } catch (IOException e) {
            if (e.getClass() != IOException.class) {
                throw e; // a CheckpointException or FileSystemException says where; keep other kinds as they are
            }
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e); // a raw OS error names no file
        }
    }

    /** Loads from {@code in}, which holds exactly the checkpoint (tests read from memory through this). */
    static void load(Optimizer optimizer, SeekableByteChannel in, List<Checkpointable> schedulers)
            throws IOException {
        new CheckpointReader(optimizer, schedulers, in, in.size()).load();
    }

    /**
     * Reads one checkpoint from {@code in}, exactly its bytes and no further, into memory: the header
     * length, the header (no longer than this optimizer's state could need) and as many data bytes as
     * the header's tensors end at (no more than this optimizer's and schedulers' buffers could take).
     * Then checks and loads it as from a file.
     */
    static void loadStream(Optimizer optimizer, ReadableByteChannel in, List<Checkpointable> schedulers)
            throws IOException {
        MemoryChannel memory = new MemoryChannel();
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        if (readUpTo(in, length) < 8) {
            throw new CheckpointException("the stream ended after " + length.position()
                    + " bytes; a checkpoint starts with an 8-byte header length");
        }
        long headerLength = length.flip().getLong(0);
        memory.write(length);
        long headerBound = headerBound(optimizer, schedulers);
        if (headerLength < 0 || headerLength > Math.min(Checkpoints.MAX_HEADER_BYTES, headerBound)) {
            throw new CheckpointException("the header length " + Long.toUnsignedString(headerLength) + " exceeds the "
                    + "limit of " + Math.min(Checkpoints.MAX_HEADER_BYTES, headerBound)
                    + " bytes (the most this optimizer's state needs)");
        }
        ByteBuffer header = ByteBuffer.allocate((int) headerLength);
        if (readUpTo(in, header) < headerLength) {
            throw new CheckpointException("the stream ended in the header, after " + header.position() + " of its "
                    + headerLength + " bytes");
        }
        memory.write(header.flip());
        long dataLength = dataLength(header.rewind());
        long dataBound = dataBound(optimizer, schedulers);
        if (dataLength > dataBound) {
            throw new CheckpointException("the header's tensors take " + dataLength + " bytes; this optimizer's and its"
                    + " schedulers' state takes at most " + dataBound);
        }
        ByteBuffer chunk = ByteBuffer.allocate(MemoryChannel.BLOCK);
        for (long read = 0; read < dataLength; ) {
            int wanted = (int) Math.min(chunk.capacity(), dataLength - read);
            chunk.clear().limit(wanted);
            int n = readUpTo(in, chunk);
            read += n;
            memory.write(chunk.flip());
            if (n < wanted) {
                throw new CheckpointException("the stream ended in the tensors, after " + read + " of their "
                        + dataLength + " bytes");
            }
        }
        load(optimizer, memory, schedulers);
    }

    /** Fills {@code b} from {@code in} until it is full or the stream ends; the bytes read. */
    private static int readUpTo(ReadableByteChannel in, ByteBuffer b) throws IOException {
        int start = b.position();
        while (b.hasRemaining()) {
            if (in.read(b) < 0) {
                break;
            }
        }
        return b.position() - start;
    }

    /**
     * Where the header's last tensor ends: the largest {@code data_offsets} end, 0 if the header cannot be
     * read that far (loading then reports what is wrong with it).
     */
    private static long dataLength(ByteBuffer header) {
        long end = 0;
        try {
            Map<String, Object> map = object(Json.parse("the header", utf8(header)), "the header");
            for (Map.Entry<String, Object> e : map.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> info && info.get("data_offsets") instanceof List<?> offsets
                        && offsets.size() == 2) {
                    end = Math.max(end, integer(offsets.get(1), "data_offsets"));
                }
            }
        } catch (CheckpointException e) {
            return 0; // reported by the full check
        }
        return end;
    }

    /** The most bytes the buffers of {@code optimizer} and {@code schedulers} can take. */
    private static long dataBound(Optimizer optimizer, List<Checkpointable> schedulers) {
        long bound = 0;
        // the checkpoint names its state format: allow the scales of 8-bit state in the smallest blocks on top
        int compressible = optimizer.rule().compressibleBuffers().size();
        for (ParamGroup g : optimizer.paramGroups()) {
            for (Parameter p : g.parameters()) {
                int[] shape = p.shape();
                for (Rule.Buffer b : optimizer.rule().buffers()) {
                    bound += 4L * b.length(shape);
                }
                bound += 4L * ((p.size() + 63L) / 64) * compressible;
                if (p.isMixed()) {
                    bound += 4L * p.size(); // the master copy
                }
            }
        }
        for (Checkpointable c : schedulers) {
            for (int length : c.checkpointBufferLengths().values()) {
                bound += 4L * length;
            }
        }
        return bound;
    }

    /** {@link #load(Optimizer, SeekableByteChannel, List)} without schedulers. */
    static void load(Optimizer optimizer, SeekableByteChannel in) throws IOException {
        load(optimizer, in, List.of());
    }

    private void load() throws IOException {
        if (fileSize < 8) {
            throw new CheckpointException("the file has " + fileSize
                    + " bytes; a checkpoint starts with an 8-byte header length");
        }
        long headerLength = read(0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 0 || headerLength > Checkpoints.MAX_HEADER_BYTES) {
            throw new CheckpointException("the header length " + Long.toUnsignedString(headerLength)
                    + " exceeds the limit of " + Checkpoints.MAX_HEADER_BYTES + " bytes");
        }
        if (headerLength > fileSize - 8) {
            throw new CheckpointException("the header length is " + headerLength + " bytes but only "
                    + (fileSize - 8) + " bytes follow it");
        }
        long needed = headerBound(optimizer, schedulers);
        if (headerLength > needed) {
            throw new CheckpointException("the header has " + headerLength + " bytes; the header of this optimizer's "
                    + "state needs fewer than " + needed);
        }
        String headerText = utf8(read(8, (int) headerLength));
        if (headerText.isEmpty() || headerText.charAt(0) != '{') {
            throw new CheckpointException("the header does not start with '{'");
        }
        long dataStart = 8 + headerLength;
        long dataLength = fileSize - dataStart;

        Map<String, Object> header = object(Json.parse("the header", headerText), "the header");
        Map<String, String> metadata = metadata(header.get("__metadata__"));
        List<StagedParameter> staged = new ArrayList<>();
        List<GradientClipping> groupClipping = new ArrayList<>();
        boolean version1 = metadata.get("version").equals("1");
        Settings settings = version1 ? null : settings(metadata);
        formatNamed = settings != null && settings.stateFormat != null;
        format = stateFormat(settings == null ? null : settings.stateFormat);
        List<Hyperparameters> hyperparameters = groups(metadata, staged, groupClipping);
        List<PendingRestore> pending = version1 ? noSchedulers() : schedulers(metadata);
        List<Entry> entries = entries(header, metadata, staged, pending, dataLength);
        readBuffers(entries, dataStart);
        List<Runnable> restores = prepareRestores(pending);

        // Everything has passed: swap it in. None of these calls can fail now.
        EngineAccess.StateHooks hooks = EngineAccess.stateHooks();
        Map<String, ParameterState> states = new HashMap<>();
        for (StagedParameter s : staged) {
            if (s.buffers != null) {
                Map<String, CompressedBuffer> compressed = new LinkedHashMap<>();
                for (Map.Entry<String, CompressedSpec> c : s.compressed.entrySet()) {
                    CompressedSpec spec = c.getValue();
                    compressed.put(c.getKey(), spec.dtype.equals("BF16")
                            ? new CompressedBuffer.BFloat16Buffer((short[]) s.raw.get(c.getKey()))
                            : new CompressedBuffer.BlockwiseBuffer((byte[]) s.raw.get(c.getKey()),
                                    (float[]) s.raw.get(c.getKey() + "/" + ABSMAX), spec.blockSize, spec.signed));
                }
                states.put(s.parameter.name(), hooks.newState(s.step, s.scalars, s.buffers, compressed));
            }
        }
        hooks.replaceState(optimizer, hyperparameters, states);
        hooks.restoreStateFormat(optimizer, format);
        if (settings != null) {
            hooks.restoreStepSettings(optimizer, settings.skippedSteps, settings.clipping, settings.noise,
                    settings.policy, groupClipping, settings.weightRounding, settings.lossScale);
        }
        restores.forEach(Runnable::run);
    }

    /** A version 1 file holds no scheduler positions: loading it is refused if schedulers are given. */
    private List<PendingRestore> noSchedulers() throws CheckpointException {
        if (!schedulers.isEmpty()) {
            throw new CheckpointException("checkpoint version 1 holds no scheduler positions; given "
                    + schedulers.size() + ": " + names(schedulers) + "; load it without schedulers");
        }
        return List.of();
    }

    /**
     * A generous upper bound of the header this optimizer's state needs: its JSON text and the objects
     * parsed from it take memory in proportion to its length, so a header far longer than any state of
     * this optimizer could need is refused before it is read.
     */
    private static long headerBound(Optimizer optimizer, List<Checkpointable> schedulers) {
        long bound = (64 << 10) + (4L << 10) * schedulers.size();
        for (Checkpointable c : schedulers) {
            for (String name : c.checkpointBufferLengths().keySet()) {
                bound += (4 << 10) + 64L * name.length();
            }
        }
        for (ParamGroup g : optimizer.paramGroups()) {
            bound += 4 << 10;
            for (Parameter p : g.parameters()) {
                bound += (4 << 10) + 64L * p.name().length();
            }
        }
        return bound;
    }

    /** {@code __metadata__}: only strings, the keys of this version, format and optimizer matching. */
    private Map<String, String> metadata(Object value) throws CheckpointException {
        if (value == null) {
            throw new CheckpointException("the header has no __metadata__; this is not a vecopt optimizer checkpoint");
        }
        Map<String, Object> map = object(value, "__metadata__");
        Map<String, String> metadata = new HashMap<>();
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new CheckpointException("__metadata__ value of " + quoted(e.getKey()) + " is not a string");
            }
            metadata.put(e.getKey(), s);
        }
        String format = metadata.get("format");
        if (!Checkpoints.FORMAT.equals(format)) {
            throw new CheckpointException("this is not a vecopt optimizer checkpoint: __metadata__ format is "
                    + (format == null ? "missing" : quoted(format)) + ", expected \"" + Checkpoints.FORMAT + "\"");
        }
        String version = metadata.get("version");
        if (!Checkpoints.VERSION.equals(version) && !"1".equals(version)) {
            throw new CheckpointException("checkpoint version " + (version == null ? "missing" : quoted(version))
                    + " is not supported; this vecopt reads versions 1 and " + Checkpoints.VERSION);
        }
        Set<String> expected = version.equals("1") ? METADATA_KEYS_V1 : METADATA_KEYS;
        for (String key : map.keySet()) {
            if (!expected.contains(key)) {
                throw new CheckpointException("__metadata__ has an unknown key " + quoted(key)
                        + (METADATA_KEYS.contains(key) ? " for version " + version : ""));
            }
        }
        for (String key : expected) {
            if (!metadata.containsKey(key)) {
                throw new CheckpointException("__metadata__ has no " + key);
            }
        }
        String kind = metadata.get("optimizer");
        if (!kind.equals(optimizer.torchName())) {
            throw new CheckpointException("the checkpoint holds the state of a " + quoted(kind)
                    + " optimizer; this optimizer is " + optimizer.torchName());
        }
        return metadata;
    }

    /**
     * The groups metadata, checked against the live groups: hyperparameters (names and valid values),
     * parameter names and sizes in order, steps and state names. Fills {@code staged}.
     */
    private List<Hyperparameters> groups(Map<String, String> metadata, List<StagedParameter> staged,
                                         List<GradientClipping> groupClipping)
            throws CheckpointException {
        String what = "the groups metadata";
        List<Object> groups = list(Json.parse(what, checkedText(metadata, "groups", what)), what);
        List<ParamGroup> live = optimizer.paramGroups();
        if (groups.size() != live.size()) {
            throw new CheckpointException("the checkpoint has " + groups.size() + " parameter groups, the optimizer has "
                    + live.size());
        }
        EngineAccess.StateHooks hooks = EngineAccess.stateHooks();
        List<Hyperparameters> result = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            String where = "group " + g;
            Map<String, Object> group = object(groups.get(g), where);
            keys(group, group.containsKey("gradient_clipping") ? GROUP_KEYS_WITH_CLIPPING : GROUP_KEYS, where);
            groupClipping.add(group.containsKey("gradient_clipping")
                    ? clipping(group.get("gradient_clipping"), where + " gradient_clipping") : GradientClipping.none());
            ParamGroup liveGroup = live.get(g);
            Map<String, Double> values = hyperparameters(object(group.get("hyperparameters"), where + " hyperparameters"),
                    liveGroup.hyperparameters(), where);
            try {
                result.add(hooks.withValues(liveGroup.hyperparameters(), values));
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(where + ": " + e.getMessage());
            }
            List<Object> params = list(group.get("params"), where + " params");
            List<Parameter> liveParams = liveGroup.parameters();
            if (params.size() != liveParams.size()) {
                throw new CheckpointException(where + " has " + params.size() + " parameters in the checkpoint, "
                        + liveParams.size() + " in the optimizer");
            }
            for (int i = 0; i < params.size(); i++) {
                staged.add(parameter(object(params.get(i), where + " parameter " + i), liveParams.get(i),
                        where + " parameter " + i));
            }
        }
        return result;
    }

    /** The text of metadata entry {@code key}, after checking it against its CRC32C entry. */
    private static String checkedText(Map<String, String> metadata, String key, String what)
            throws CheckpointException {
        String text = metadata.get(key);
        String storedCrc = metadata.get(key + "_crc32c");
        String crc = CheckpointWriter.hex(CheckpointWriter.crc32c(text.getBytes(StandardCharsets.UTF_8)));
        if (!crc.equals(storedCrc)) {
            throw new CheckpointException(what + " is damaged: its CRC32C is " + crc + ", the header says "
                    + quoted(storedCrc));
        }
        return text;
    }

    /**
     * The settings metadata: skipped steps, non-finite policy, clipping and noise, and the state
     * format, weight rounding and loss scale where they are named, each checked.
     */
    private Settings settings(Map<String, String> metadata) throws CheckpointException {
        String what = "the settings metadata";
        Map<String, Object> map = object(Json.parse(what, checkedText(metadata, "settings", what)), what);
        Set<String> expected = new LinkedHashSet<>(SETTINGS_KEYS);
        for (String optional : OPTIONAL_SETTINGS_KEYS) {
            if (map.containsKey(optional)) {
                expected.add(optional);
            }
        }
        keys(map, expected, what);
        long skipped = integer(map.get("skipped_steps"), "settings skipped_steps");
        if (skipped < 0) {
            throw new CheckpointException("settings: skipped_steps must be >= 0, got " + skipped);
        }
        String policyName = string(map.get("non_finite_policy"), "settings non_finite_policy");
        NonFinitePolicy policy = null;
        for (NonFinitePolicy p : NonFinitePolicy.values()) {
            if (p.name().equals(policyName)) {
                policy = p;
            }
        }
        if (policy == null) {
            throw new CheckpointException("settings: non_finite_policy must be one of "
                    + List.of(NonFinitePolicy.values()) + ", got " + quoted(policyName));
        }
        return new Settings(skipped, policy, clipping(map.get("gradient_clipping"), "settings gradient_clipping"),
                noise(map.get("gradient_noise")), map.containsKey("state_format") ? stateFormat(map.get("state_format")) : null,
                map.containsKey("weight_rounding") ? weightRounding(map.get("weight_rounding")) : WeightRounding.nearestEven(),
                map.containsKey("loss_scale") ? lossScale(map.get("loss_scale")) : 1);
    }

    /** A weight rounding as the writer writes it: {@code {"kind":"stochastic","seed":n}} (nearest is not written). */
    private static WeightRounding weightRounding(Object value) throws CheckpointException {
        String where = "settings weight_rounding";
        Map<String, Object> map = object(value, where);
        String kind = string(map.get("kind"), where + " kind");
        switch (kind) {
            case "nearest" -> {
                keys(map, Set.of("kind"), where);
                return WeightRounding.nearestEven();
            }
            case "stochastic" -> {
                keys(map, Set.of("kind", "seed"), where);
                return WeightRounding.stochastic(integer(map.get("seed"), where + " seed"));
            }
            default -> throw new CheckpointException(where + ": kind must be \"nearest\" or \"stochastic\", got "
                    + quoted(kind));
        }
    }

    /** The loss scale, finite and positive, and 1 unless this optimizer's rule steps mixed precision. */
    private double lossScale(Object value) throws CheckpointException {
        double scale = number(value, "settings loss_scale");
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new CheckpointException("settings: loss_scale must be finite and > 0, got " + scale);
        }
        if (scale != 1 && !optimizer.rule().stepsMixedPrecision()) {
            throw new CheckpointException("settings: loss_scale is " + scale + " but " + optimizer.torchName()
                    + " takes no loss scale (" + optimizer.rule().mixedPrecisionRefusal() + ")");
        }
        return scale;
    }

    /** A state format as the writer writes it: {@code {"kind":"bfloat16","rounding":...}} and so on. */
    private static StateFormat stateFormat(Object value) throws CheckpointException {
        String where = "settings state_format";
        Map<String, Object> map = object(value, where);
        String kind = string(map.get("kind"), where + " kind");
        switch (kind) {
            case "float32" -> {
                keys(map, Set.of("kind"), where);
                return StateFormat.float32();
            }
            case "bfloat16" -> {
                String rounding = string(map.get("rounding"), where + " rounding");
                if (rounding.equals("nearest")) {
                    keys(map, Set.of("kind", "rounding"), where);
                    return StateFormat.bfloat16();
                }
                if (rounding.equals("stochastic")) {
                    keys(map, Set.of("kind", "rounding", "seed"), where);
                    return StateFormat.bfloat16Stochastic(integer(map.get("seed"), where + " seed"));
                }
                throw new CheckpointException(where + ": rounding must be \"nearest\" or \"stochastic\", got "
                        + quoted(rounding));
            }
            case "blockwise_8bit" -> {
                keys(map, Set.of("kind", "block_size"), where);
                long block = integer(map.get("block_size"), where + " block_size");
                if (block < 64 || block > Integer.MAX_VALUE || block % 64 != 0) {
                    throw new CheckpointException(where + ": block_size must be a positive multiple of 64, got " + block);
                }
                return StateFormat.blockwise8bit((int) block);
            }
            default -> throw new CheckpointException(where + ": kind must be \"float32\", \"bfloat16\" or "
                    + "\"blockwise_8bit\", got " + quoted(kind));
        }
    }

    /**
     * The format the loaded state is stored in: the checkpoint's ({@code saved}), which must be the one
     * the optimizer was set to if {@code setStateFormat} was called. A checkpoint that names none
     * (version 1, float32 state, or written before the format was saved) is float32 for an optimizer
     * whose format was never set, and of the optimizer's chosen format otherwise, as such files loaded
     * before; its parameters' entries are checked against that.
     */
    private StateFormat stateFormat(StateFormat saved) throws CheckpointException {
        EngineAccess.StateHooks hooks = EngineAccess.stateHooks();
        boolean chosen = hooks.stateFormatChosen(optimizer);
        if (saved == null) {
            return chosen ? optimizer.stateFormat() : StateFormat.float32();
        }
        if (chosen && !saved.equals(optimizer.stateFormat())) {
            throw new CheckpointException("the checkpoint's state is stored as " + saved + " but this optimizer was set"
                    + " to store it as " + optimizer.stateFormat() + " (setStateFormat); load it into an optimizer"
                    + " whose format is not set, or set the checkpoint's");
        }
        if (saved.kind() != StateFormat.Kind.FLOAT32 && !optimizer.rule().compressesState()) {
            throw new CheckpointException("settings state_format is " + saved + " but " + optimizer.torchName()
                    + " stores its state as float32 only: " + optimizer.rule().compressedStateRefusal());
        }
        return saved;
    }

    private static GradientClipping clipping(Object value, String where) throws CheckpointException {
        Map<String, Object> map = object(value, where);
        String kind = string(map.get("kind"), where + " kind");
        try {
            switch (kind) {
                case "none" -> {
                    keys(map, Set.of("kind"), where);
                    return GradientClipping.none();
                }
                case "by_norm" -> {
                    keys(map, Set.of("kind", "max_norm"), where);
                    return GradientClipping.byNorm(number(map.get("max_norm"), where + " max_norm"));
                }
                case "by_norm_per_parameter" -> {
                    keys(map, Set.of("kind", "max_norm"), where);
                    return GradientClipping.byNormPerParameter(number(map.get("max_norm"), where + " max_norm"));
                }
                case "by_value" -> {
                    keys(map, Set.of("kind", "clip_value"), where);
                    return GradientClipping.byValue(number(map.get("clip_value"), where + " clip_value"));
                }
                default -> throw new CheckpointException(where + ": kind must be \"none\", \"by_norm\", "
                        + "\"by_norm_per_parameter\" or \"by_value\", got " + quoted(kind));
            }
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(where + ": " + e.getMessage());
        }
    }

    private static GradientNoise noise(Object value) throws CheckpointException {
        String where = "settings gradient_noise";
        Map<String, Object> map = object(value, where);
        keys(map, NOISE_KEYS, where);
        double eta = number(map.get("eta"), where + " eta");
        double gamma = number(map.get("gamma"), where + " gamma");
        long seed = integer(map.get("seed"), where + " seed");
        try {
            return new GradientNoise(eta, gamma, seed);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(where + ": " + e.getMessage());
        }
    }

    /**
     * The schedulers metadata, matched one to one, by name and in order, with the schedulers given;
     * each position checked by its scheduler. Returns the actions that install them.
     */
    private List<PendingRestore> schedulers(Map<String, String> metadata) throws CheckpointException {
        String what = "the schedulers metadata";
        List<Object> saved = list(Json.parse(what, checkedText(metadata, "schedulers", what)), what);
        List<String> savedNames = new ArrayList<>();
        for (int i = 0; i < saved.size(); i++) {
            Map<String, Object> entry = object(saved.get(i), "scheduler " + i);
            keys(entry, entry.containsKey("buffers") ? SCHEDULER_KEYS_WITH_BUFFERS : SCHEDULER_KEYS, "scheduler " + i);
            savedNames.add(string(entry.get("name"), "scheduler " + i + " name"));
        }
        List<String> printableNames = new ArrayList<>();
        for (String name : savedNames) {
            printableNames.add(Json.printable(name));
        }
        if (saved.size() != schedulers.size()) {
            throw new CheckpointException("the checkpoint holds " + saved.size() + " schedulers " + printableNames
                    + "; given " + schedulers.size() + ": " + names(schedulers));
        }
        List<PendingRestore> restores = new ArrayList<>();
        for (int i = 0; i < saved.size(); i++) {
            Checkpointable live = schedulers.get(i);
            String where = "scheduler " + i + " " + live.checkpointName();
            if (!savedNames.get(i).equals(live.checkpointName())) {
                throw new CheckpointException("scheduler " + i + " is " + quoted(savedNames.get(i))
                        + " in the checkpoint, " + live.checkpointName() + " given");
            }
            Map<String, Number> state = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : object(object(saved.get(i), where).get("state"), where + " state")
                    .entrySet()) {
                state.put(e.getKey(), schedulerValue(e.getValue(), where + " " + e.getKey()));
            }
            Map<String, Integer> lengths = new LinkedHashMap<>();
            Object bufferNames = object(saved.get(i), where).get("buffers");
            if (bufferNames != null) {
                Map<String, Integer> allowed = live.checkpointBufferLengths();
                for (Object b : list(bufferNames, where + " buffers")) {
                    String name = string(b, where + " buffer name");
                    Integer length = allowed.get(name);
                    if (length == null) {
                        throw new CheckpointException(where + " keeps no buffer " + quoted(name));
                    }
                    if (lengths.put(name, length) != null) {
                        throw new CheckpointException(where + ": buffer " + quoted(name) + " is listed twice");
                    }
                }
            }
            restores.add(new PendingRestore(live, where, Collections.unmodifiableMap(state), lengths,
                    new LinkedHashMap<>()));
        }
        return restores;
    }

    /** Each scheduler checks its position and buffers; the actions that install them. */
    private static List<Runnable> prepareRestores(List<PendingRestore> pending) throws CheckpointException {
        List<Runnable> restores = new ArrayList<>();
        for (PendingRestore p : pending) {
            try {
                Runnable restore = p.buffers.isEmpty() && p.lengths.isEmpty() ? p.live.prepareRestore(p.state)
                        : p.live.prepareRestore(p.state, Collections.unmodifiableMap(p.buffers));
                if (restore == null) {
                    throw new IllegalStateException(p.where + ": prepareRestore returned null");
                }
                restores.add(restore);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(p.where + ": " + e.getMessage());
            }
        }
        return restores;
    }

    /** An integer literal as a Long; any other number, or a non-finite string, as a Double. */
    private static Number schedulerValue(Object value, String what) throws CheckpointException {
        if (value instanceof Json.Number n && n.text().matches("-?[0-9]+")) {
            return integer(value, what);
        }
        return scalar(value, what);
    }

    /** A JSON number as a double. */
    private static double number(Object value, String what) throws CheckpointException {
        if (!(value instanceof Json.Number n)) {
            throw new CheckpointException(what + " must be a number, got " + describe(value));
        }
        return Double.parseDouble(n.text());
    }

    private static String names(List<Checkpointable> list) {
        List<String> names = new ArrayList<>();
        list.forEach(c -> names.add(c.checkpointName()));
        return names.toString();
    }

    private static Map<String, Double> hyperparameters(Map<String, Object> map, Hyperparameters live, String where)
            throws CheckpointException {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Hyperparameter d : live.definitions()) {
            Object value = map.get(d.name());
            if (value == null) {
                throw new CheckpointException(where + ": hyperparameter " + d.name() + " is missing");
            }
            if (d.isFlag()) {
                if (!(value instanceof Boolean b)) {
                    throw new CheckpointException(where + ": hyperparameter " + d.name() + " must be true or false, got "
                            + value);
                }
                values.put(d.name(), b ? 1.0 : 0.0);
            } else {
                if (!(value instanceof Json.Number n)) {
                    throw new CheckpointException(where + ": hyperparameter " + d.name() + " must be a number, got "
                            + value);
                }
                values.put(d.name(), Double.parseDouble(n.text()));
            }
        }
        for (String key : map.keySet()) {
            if (!live.has(key)) {
                throw new CheckpointException(where + ": unknown hyperparameter " + quoted(key) + "; this optimizer has "
                        + live.definitions());
            }
        }
        return values;
    }

    private StagedParameter parameter(Map<String, Object> map, Parameter live, String where)
            throws CheckpointException {
        String name = string(map.get("name"), where + " name");
        if (!name.equals(live.name())) {
            throw new CheckpointException(where + " is " + quoted(name) + " in the checkpoint, " + live.name()
                    + " in the optimizer");
        }
        where = "parameter " + live.name();
        long size = integer(map.get("size"), where + " size");
        if (size != live.size()) {
            throw new CheckpointException(where + " has " + size + " elements in the checkpoint, " + live.size()
                    + " in the optimizer");
        }
        if (map.keySet().equals(PARAM_KEYS_WITHOUT_STATE)) {
            return new StagedParameter(live, 0, null, null, null, null);
        }
        keys(map, map.containsKey("compressed") ? PARAM_KEYS_WITH_COMPRESSED_STATE : PARAM_KEYS_WITH_STATE, where);
        long step = integer(map.get("step"), where + " step");
        if (step < 0) {
            throw new CheckpointException(where + ": step must be >= 0, got " + step);
        }
        Map<String, float[]> buffers = new LinkedHashMap<>();
        for (Object b : list(map.get("buffers"), where + " buffers")) {
            String buffer = string(b, where + " buffer name");
            if (!isValidStateName(buffer)) {
                throw new CheckpointException(where + ": invalid buffer name " + quoted(buffer));
            }
            if (buffers.containsKey(buffer)) {
                throw new CheckpointException(where + ": buffer " + buffer + " is listed twice");
            }
            buffers.put(buffer, null);
        }
        Map<String, Double> scalars = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : object(map.get("scalars"), where + " scalars").entrySet()) {
            scalars.put(e.getKey(), scalar(e.getValue(), where + " scalar " + e.getKey()));
        }
        RuleState.check(optimizer.rule(), live, step, buffers.keySet(), scalars.keySet());
        Map<String, CompressedSpec> compressed = compressed(map.get("compressed"), live, buffers.keySet(), where);
        compressed.keySet().forEach(buffers::remove);
        return new StagedParameter(live, step, scalars, buffers, compressed, new LinkedHashMap<>());
    }

    /**
     * The compressed buffers a parameter's metadata lists (none without the key): each must be a listed
     * buffer, stored as this optimizer stores that buffer for a parameter of this size, so that the
     * resumed steps are the ones the saved optimizer would have taken.
     */
    private Map<String, CompressedSpec> compressed(Object value, Parameter live, Set<String> listed, String where)
            throws CheckpointException {
        Map<String, CompressedSpec> specs = new LinkedHashMap<>();
        if (value != null) {
            for (Map.Entry<String, Object> e : object(value, where + " compressed").entrySet()) {
                String buffer = e.getKey();
                String what = where + " compressed " + buffer;
                if (!listed.contains(buffer)) {
                    throw new CheckpointException(what + " is not one of its buffers " + listed);
                }
                Map<String, Object> info = object(e.getValue(), what);
                String dtype = string(info.get("dtype"), what + " dtype");
                if (dtype.equals("BF16")) {
                    keys(info, BF16_KEYS, what);
                    specs.put(buffer, new CompressedSpec(dtype, 0, false));
                } else if (dtype.equals("U8")) {
                    keys(info, U8_KEYS, what);
                    long block = integer(info.get("block_size"), what + " block_size");
                    if (block < 1 || block > Integer.MAX_VALUE) {
                        throw new CheckpointException(what + ": block_size must be >= 1, got " + block);
                    }
                    if (!(info.get("signed") instanceof Boolean signed)) {
                        throw new CheckpointException(what + ": signed must be true or false, got " + describe(info.get("signed")));
                    }
                    specs.put(buffer, new CompressedSpec(dtype, (int) block, signed));
                } else {
                    throw new CheckpointException(what + " has dtype " + quoted(dtype) + "; compressed state is BF16 or U8");
                }
            }
        }
        Map<String, Boolean> expected = format.compresses(live.size())
                ? optimizer.rule().compressibleBuffers() : Map.of();
        for (String buffer : listed) {
            CompressedSpec spec = specs.get(buffer);
            Boolean signed = expected.get(buffer);
            String stored = spec == null ? "float32" : spec.dtype.equals("BF16") ? "bfloat16"
                    : "8-bit block-wise (blocks of " + spec.blockSize + ")";
            boolean fits = signed == null ? spec == null
                    : spec != null && switch (format.kind()) {
                        case BFLOAT16 -> spec.dtype.equals("BF16");
                        case BLOCKWISE_8BIT -> spec.dtype.equals("U8") && spec.blockSize == format.blockSize()
                                && spec.signed == signed;
                        case FLOAT32 -> false;
                    };
            if (!fits) {
                String want = signed == null ? "float32" : format.toString();
                throw new CheckpointException(where + ": state " + buffer + " is stored as " + stored
                        + " in the checkpoint, " + (formatNamed
                        ? "but its settings say state_format " + format + ", so " + want
                        : "but this optimizer stores it as " + want + "; call setStateFormat before loading"));
            }
        }
        return specs;
    }

    /** A number, or the strings the writer uses for non-finite values. */
    private static double scalar(Object value, String what) throws CheckpointException {
        if (value instanceof Json.Number n) {
            return Double.parseDouble(n.text());
        }
        if (value instanceof String s) {
            switch (s) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new CheckpointException(what + " must be a number, got " + value);
    }

    /**
     * The tensor entries, matched one to one with the buffers the groups metadata lists, each of
     * dtype F32 and of its parameter's size, laid out back to back from the start of the data to its
     * end: no gaps, no overlaps, nothing out of bounds, no trailing bytes.
     */
    private List<Entry> entries(Map<String, Object> header, Map<String, String> metadata,
                                List<StagedParameter> staged, List<PendingRestore> pending, long dataLength)
            throws CheckpointException {
        Map<String, Target> owners = new LinkedHashMap<>();
        for (StagedParameter s : staged) {
            if (s.buffers != null) {
                for (String buffer : s.buffers.keySet()) {
                    Rule.Buffer declared = optimizer.rule().buffer(buffer);
                    int[] shape = CheckpointWriter.bufferShape(optimizer.rule(), s.parameter.shape(), buffer);
                    boolean own = shape == null || java.util.Arrays.equals(shape, s.parameter.shape());
                    owners.put(s.parameter.name() + "/" + buffer, new Target("parameter " + s.parameter.name(), buffer,
                            own ? s.parameter.size() : (int) CheckpointWriter.elements(shape),
                            declared != null && declared.stacked(),
                            own ? "the parameter" : "its shape " + java.util.Arrays.toString(shape) + " for the parameter",
                            s.buffers));
                }
                for (Map.Entry<String, CompressedSpec> c : s.compressed.entrySet()) {
                    String buffer = c.getKey();
                    String owner = "parameter " + s.parameter.name();
                    owners.put(s.parameter.name() + "/" + buffer, new Target(owner, buffer, s.parameter.size(),
                            false, "the parameter", c.getValue().dtype, s.raw::put));
                    if (c.getValue().dtype.equals("U8")) {
                        int blocks = (int) ((s.parameter.size() + (long) c.getValue().blockSize - 1) / c.getValue().blockSize);
                        String scales = buffer + "/" + ABSMAX;
                        owners.put(s.parameter.name() + "/" + scales, new Target(owner, scales, blocks,
                                false, "its blocks", "F32", s.raw::put));
                    }
                }
            }
        }
        for (int i = 0; i < pending.size(); i++) {
            PendingRestore p = pending.get(i);
            for (Map.Entry<String, Integer> b : p.lengths.entrySet()) {
                String name = CheckpointWriter.schedulerTensorName(i, b.getKey());
                if (owners.put(name, new Target(p.where, b.getKey(), b.getValue(), false, p.where, p.buffers)) != null) {
                    throw new CheckpointException("tensor " + quoted(name) + " is both a parameter's and a scheduler's");
                }
            }
        }
        Map<String, Object> crcs = object(Json.parse("the crc32c metadata", metadata.get("crc32c")),
                "the crc32c metadata");
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                continue;
            }
            Target owner = owners.get(name);
            if (owner == null) {
                throw new CheckpointException("tensor " + quoted(name) + " is not a buffer the groups metadata lists");
            }
            String where = "tensor " + name;
            Map<String, Object> info = object(e.getValue(), where);
            keys(info, TENSOR_KEYS, where);
            Object dtype = info.get("dtype");
            if (!owner.dtype.equals(dtype)) {
                throw new CheckpointException(where + " has dtype " + dtype + "; its buffer is stored as " + owner.dtype);
            }
            long elements = 1;
            for (Object d : list(info.get("shape"), where + " shape")) {
                long dim = integer(d, where + " shape");
                if (dim < 0) {
                    throw new CheckpointException(where + " has a negative dimension " + dim);
                }
                elements = dim == 0 || elements == 0 ? 0 : elements > Long.MAX_VALUE / dim ? Long.MAX_VALUE : elements * dim;
            }
            List<Object> offsets = list(info.get("data_offsets"), where + " data_offsets");
            if (offsets.size() != 2) {
                throw new CheckpointException(where + " data_offsets must be [begin, end], got " + offsets);
            }
            long begin = integer(offsets.get(0), where + " data_offsets");
            long end = integer(offsets.get(1), where + " data_offsets");
            if (begin < 0 || end < begin) {
                throw new CheckpointException(where + " has invalid data_offsets [" + begin + ", " + end + "]");
            }
            if (end > dataLength) {
                throw new CheckpointException(where + " ends at byte " + end + " but the data has only " + dataLength
                        + " bytes");
            }
            int size = owner.size;
            String buffer = owner.buffer;
            if (owner.rows) { // a stack of rows of the parameter's size (LBFGS's history)
                if (size == 0 ? elements != 0 : elements % size != 0 || elements > Integer.MAX_VALUE) {
                    throw new CheckpointException(owner.owner + ": " + buffer + " has " + elements
                            + " floats, not a whole number of rows of " + owner.sizeOwner + "'s " + size);
                }
                size = (int) elements;
            } else if (elements != size) {
                throw new CheckpointException(owner.owner + ": " + buffer + " has "
                        + elements + (owner.dtype.equals("F32") ? " floats, " : " elements, ") + owner.sizeOwner
                        + " has " + size);
            }
            if (end - begin != (long) owner.elementBytes() * size) {
                throw new CheckpointException(where + ": data_offsets [" + begin + ", " + end + "] span " + (end - begin)
                        + " bytes, its shape needs " + (long) owner.elementBytes() * size);
            }
            Object crc = crcs.get(name);
            if (!(crc instanceof String s) || !s.matches("[0-9a-f]{8}")) {
                throw new CheckpointException(where + " has " + (crc == null ? "no CRC32C" : "an invalid CRC32C " + crc)
                        + " in the crc32c metadata");
            }
            entries.add(new Entry(name, begin, end, size, (String) crc, owner));
        }
        for (String name : owners.keySet()) {
            if (!header.containsKey(name)) {
                throw new CheckpointException(owners.get(name).owner + ": buffer "
                        + owners.get(name).buffer + " is listed but tensor " + quoted(name) + " is missing");
            }
        }
        for (String name : crcs.keySet()) {
            if (!owners.containsKey(name)) {
                throw new CheckpointException("the crc32c metadata names an unknown tensor " + quoted(name));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin != expected) {
                throw new CheckpointException("tensor " + e.name + " starts at byte " + e.begin + " of the data, expected "
                        + expected + (e.begin < expected ? " (it overlaps the tensor before it)"
                        : " (a gap of " + (e.begin - expected) + " bytes)"));
            }
            expected = e.end;
        }
        if (expected != dataLength) {
            throw new CheckpointException((dataLength - expected) + " trailing bytes after the last tensor (the data has "
                    + dataLength + " bytes, the tensors cover " + expected + ")");
        }
        return entries;
    }

    /** Reads every tensor into a new array, checking its CRC32C. */
    private void readBuffers(List<Entry> entries, long dataStart) throws IOException {
        ByteBuffer chunk = CheckpointWriter.chunk();
        for (Entry e : entries) {
            int bytes = e.target.elementBytes();
            Object data = switch (bytes) {
                case 4 -> new float[e.elements];
                case 2 -> new short[e.elements];
                default -> new byte[e.elements];
            };
            CRC32C crc = new CRC32C();
            long position = dataStart + e.begin;
            for (int from = 0; from < e.elements; from += CheckpointWriter.CHUNK_FLOATS) {
                int n = Math.min(CheckpointWriter.CHUNK_FLOATS, e.elements - from);
                chunk.clear().limit(bytes * n);
                readFully(chunk, position);
                position += (long) bytes * n;
                chunk.flip();
                crc.update(chunk.duplicate());
                switch (data) {
                    case float[] f -> chunk.asFloatBuffer().get(f, from, n);
                    case short[] h -> chunk.asShortBuffer().get(h, from, n);
                    case byte[] b -> chunk.get(b, from, n);
                    default -> throw new IllegalStateException();
                }
            }
            String computed = CheckpointWriter.hex((int) crc.getValue());
            if (!computed.equals(e.crc)) {
                throw new CheckpointException("tensor " + e.name + " is damaged: its CRC32C is " + computed
                        + ", the header says " + e.crc);
            }
            e.target.into.accept(e.target.buffer, data);
        }
    }

    private ByteBuffer read(long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        readFully(b, position);
        return b.flip();
    }

    private void readFully(ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) {
            in.position(position);
            int n = in.read(b);
            if (n < 0) {
                throw new CheckpointException("the file ended at byte " + position + " while reading it");
            }
            position += n;
        }
    }

    private static String utf8(ByteBuffer bytes) throws CheckpointException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException("the header is not valid UTF-8");
        }
    }

    /** A state name the file can hold: not empty and without '/', which separates it from the parameter name. */
    static boolean isValidStateName(String name) {
        return !name.isEmpty() && name.indexOf('/') < 0;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value, String what) throws CheckpointException {
        if (!(value instanceof Map<?, ?> map)) {
            throw new CheckpointException(what + " must be a JSON object, got " + describe(value));
        }
        return (Map<String, Object>) map;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String what) throws CheckpointException {
        if (!(value instanceof List<?> list)) {
            throw new CheckpointException(what + " must be a JSON array, got " + describe(value));
        }
        return (List<Object>) list;
    }

    private static String string(Object value, String what) throws CheckpointException {
        if (!(value instanceof String s)) {
            throw new CheckpointException(what + " must be a string, got " + describe(value));
        }
        return s;
    }

    /** A JSON integer (no fraction or exponent) that fits a long. */
    private static long integer(Object value, String what) throws CheckpointException {
        if (value instanceof Json.Number n && n.text().matches("-?[0-9]{1,19}")) {
            try {
                return Long.parseLong(n.text());
            } catch (NumberFormatException e) {
                // beyond a long: reported below
            }
        }
        throw new CheckpointException(what + " must be an integer that fits 64 bits, got " + describe(value));
    }

    private static void keys(Map<String, Object> map, Set<String> expected, String what) throws CheckpointException {
        for (String key : map.keySet()) {
            if (!expected.contains(key)) {
                throw new CheckpointException(what + " has an unknown key " + quoted(key) + "; expected "
                        + new LinkedHashSet<>(expected));
            }
        }
        for (String key : expected) {
            if (!map.containsKey(key)) {
                throw new CheckpointException(what + " has no " + key);
            }
        }
    }

    private static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof String s) {
            return quoted(s);
        }
        if (value instanceof Map<?, ?>) {
            return "an object";
        }
        if (value instanceof List<?>) {
            return "an array";
        }
        String text = value.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private static String quoted(String s) {
        return "\"" + Json.printable(s) + "\"";
    }
}
