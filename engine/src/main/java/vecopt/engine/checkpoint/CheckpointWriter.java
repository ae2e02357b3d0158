package vecopt.engine.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;
import vecopt.engine.GradientClipping;
import vecopt.engine.GradientNoise;
import vecopt.engine.CompressedBuffer;
import vecopt.engine.StateFormat;
import vecopt.engine.WeightRounding;
import vecopt.engine.Hyperparameter;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Optimizer;
import vecopt.engine.Rule;
import vecopt.engine.Rules;

/** Writes an optimizer's state as a safetensors file, atomically. See {@link Checkpoints} for the layout. */
final class CheckpointWriter {

    /** Floats converted to little-endian bytes at a time. */
    static final int CHUNK_FLOATS = 1 << 18;

    /**
     * One state buffer in the file: {@code data} is a {@code float[]} (F32), a {@code short[]} of
     * bfloat16 bits (BF16) or a {@code byte[]} of 8-bit codes (U8).
     */
    record Tensor(String name, int[] shape, String dtype, Object data) {

        Tensor(String name, int[] shape, float[] data) {
            this(name, shape, "F32", data);
        }

        int length() {
            return switch (data) {
                case float[] f -> f.length;
                case short[] h -> h.length;
                case byte[] b -> b.length;
                default -> throw new IllegalStateException("no tensor data type " + data.getClass());
            };
        }

        int elementBytes() {
            return data instanceof float[] ? 4 : data instanceof short[] ? 2 : 1;
        }
    }

    private CheckpointWriter() {
    }

    /** {@code schedulers} have been checked ({@link Checkpoints#checkSchedulers}). */
    static void save(Optimizer optimizer, Path file, List<Checkpointable> schedulers) throws IOException {
        Encoded encoded = encode(StateDict.capture(optimizer, schedulers, false));
        writeAtomically(file, encoded);
    }

    /** A state dict as the header and the tensors that follow it. */
    record Encoded(byte[] header, List<Tensor> tensors) {

        /** The bytes of the whole checkpoint: 8 for the header length, the header, each tensor's bytes. */
        long size() {
            long size = 8L + header.length;
            for (Tensor t : tensors) {
                size += (long) t.elementBytes() * t.length();
            }
            return size;
        }
    }

    /** The header and tensors of {@code dict}, its arrays shared. */
    static Encoded encode(StateDict dict) {
        List<Tensor> tensors = new ArrayList<>();
        String groups = groupsJson(dict, tensors);
        String settings = settingsJson(dict.settings());
        String schedulerText = schedulersJson(dict.schedulerEntries(), tensors);
        return new Encoded(header(dict.optimizer(), groups, settings, schedulerText, tensors), tensors);
    }

    /**
     * The step settings: skipped steps, non-finite policy, clipping, noise and, unless they are the
     * defaults, the state format, the weight rounding and the loss scale (files with the defaults keep
     * the bytes they had before those were saved).
     */
    private static String settingsJson(StateDict.Settings settings) {
        StringBuilder sb = new StringBuilder("{\"skipped_steps\":").append(settings.skippedSteps());
        sb.append(",\"non_finite_policy\":");
        Json.appendString(sb, settings.nonFinitePolicy().name());
        appendClipping(sb.append(",\"gradient_clipping\":"), settings.gradientClipping());
        GradientNoise noise = settings.gradientNoise();
        appendFinite(sb.append(",\"gradient_noise\":{\"eta\":"), noise.eta(), "eta");
        appendFinite(sb.append(",\"gamma\":"), noise.gamma(), "gamma");
        sb.append(",\"seed\":").append(noise.seed()).append('}');
        StateFormat format = settings.stateFormat();
        if (format.kind() != StateFormat.Kind.FLOAT32) { // only then, so files of float32 state keep their bytes
            appendStateFormat(sb.append(",\"state_format\":"), format);
        }
        WeightRounding rounding = settings.weightRounding();
        if (rounding.isStochastic()) {
            sb.append(",\"weight_rounding\":{\"kind\":\"stochastic\",\"seed\":").append(rounding.seed()).append('}');
        }
        if (settings.lossScale() != 1) {
            appendFinite(sb.append(",\"loss_scale\":"), settings.lossScale(), "loss_scale");
        }
        return sb.append('}').toString();
    }

    /** A state format as {@code {"kind":...}} with its rounding and seed or its block size. */
    private static StringBuilder appendStateFormat(StringBuilder sb, StateFormat format) {
        return switch (format.kind()) {
            case FLOAT32 -> sb.append("{\"kind\":\"float32\"}");
            case BFLOAT16 -> format.stochastic()
                    ? sb.append("{\"kind\":\"bfloat16\",\"rounding\":\"stochastic\",\"seed\":").append(format.seed()).append('}')
                    : sb.append("{\"kind\":\"bfloat16\",\"rounding\":\"nearest\"}");
            case BLOCKWISE_8BIT -> sb.append("{\"kind\":\"blockwise_8bit\",\"block_size\":").append(format.blockSize())
                    .append('}');
        };
    }

    /** A clipping as {@code {"kind":...}} with its bound. */
    private static StringBuilder appendClipping(StringBuilder sb, GradientClipping clipping) {
        return switch (clipping) {
            case GradientClipping.None none -> sb.append("{\"kind\":\"none\"}");
            case GradientClipping.ByNorm byNorm ->
                    appendFinite(sb.append("{\"kind\":\"by_norm\",\"max_norm\":"), byNorm.maxNorm(), "max_norm").append('}');
            case GradientClipping.ByNormPerParameter perParameter ->
                    appendFinite(sb.append("{\"kind\":\"by_norm_per_parameter\",\"max_norm\":"), perParameter.maxNorm(),
                            "max_norm").append('}');
            case GradientClipping.ByValue byValue ->
                    appendFinite(sb.append("{\"kind\":\"by_value\",\"clip_value\":"), byValue.clipValue(), "clip_value")
                            .append('}');
        };
    }

    /** Each scheduler's name and position, in the order given (checked by {@link StateDict#capture}). */
    private static String schedulersJson(List<StateDict.SchedulerEntry> schedulers, List<Tensor> tensors) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < schedulers.size(); i++) {
            StateDict.SchedulerEntry c = schedulers.get(i);
            String where = "schedulers[" + i + "] " + c.name();
            sb.append(i == 0 ? "" : ",").append("{\"name\":");
            Json.appendString(sb, c.name());
            sb.append(",\"state\":{");
            boolean first = true;
            for (Map.Entry<String, Number> e : c.state().entrySet()) {
                Json.appendString(sb.append(first ? "" : ","), e.getKey());
                first = false;
                sb.append(':');
                if (e.getValue() instanceof Double d) {
                    appendDouble(sb, d);
                } else {
                    sb.append((long) (Long) e.getValue());
                }
            }
            sb.append('}');
            if (!c.buffers().isEmpty()) { // only then, so files without scheduler buffers keep their bytes
                sb.append(",\"buffers\":[");
                first = true;
                for (Map.Entry<String, float[]> e : c.buffers().entrySet()) {
                    Json.appendString(sb.append(first ? "" : ","), e.getKey());
                    first = false;
                    String tensor = schedulerTensorName(i, e.getKey());
                    for (Tensor t : tensors) {
                        if (t.name.equals(tensor)) {
                            throw new IllegalArgumentException(where + ": tensor name " + tensor + " is taken");
                        }
                    }
                    tensors.add(new Tensor(tensor, new int[] {e.getValue().length}, e.getValue()));
                }
                sb.append(']');
            }
            sb.append('}');
        }
        return sb.append(']').toString();
    }

    /** The tensor holding buffer {@code name} of the {@code index}-th scheduler. */
    static String schedulerTensorName(int index, String name) {
        return "__schedulers__/" + index + "/" + name;
    }

    /** The groups metadata: hyperparameters, parameter names and sizes, steps, scalars, buffer names. */
    private static String groupsJson(StateDict dict, List<Tensor> tensors) {
        StringBuilder sb = new StringBuilder("[");
        Rule rule = Rules.contains(dict.optimizer()) ? Rules.get(dict.optimizer()) : null;
        List<StateDict.Group> groups = dict.groups();
        for (int g = 0; g < groups.size(); g++) {
            StateDict.Group group = groups.get(g);
            sb.append(g == 0 ? "" : ",").append("{\"hyperparameters\":{");
            Hyperparameters h = group.hyperparameters();
            List<Hyperparameter> definitions = h.definitions();
            for (int i = 0; i < definitions.size(); i++) {
                Hyperparameter d = definitions.get(i);
                Json.appendString(sb.append(i == 0 ? "" : ","), d.name());
                sb.append(':');
                if (d.isFlag()) {
                    sb.append(h.flag(d));
                } else {
                    appendFinite(sb, h.get(d), "hyperparameter " + d.name());
                }
            }
            sb.append('}');
            if (!(group.gradientClipping() instanceof GradientClipping.None)) { // only then: older files keep their bytes
                appendClipping(sb.append(",\"gradient_clipping\":"), group.gradientClipping());
            }
            sb.append(",\"params\":[");
            List<StateDict.ParameterEntry> parameters = group.parameters();
            for (int i = 0; i < parameters.size(); i++) {
                StateDict.ParameterEntry p = parameters.get(i);
                sb.append(i == 0 ? "" : ",").append("{\"name\":");
                Json.appendString(sb, p.name());
                sb.append(",\"size\":").append(p.size());
                if (p.state() != null) {
                    appendState(sb, rule, p, p.state(), tensors);
                }
                sb.append('}');
            }
            sb.append("]}");
        }
        return sb.append(']').toString();
    }

    private static void appendState(StringBuilder sb, Rule rule, StateDict.ParameterEntry p, StateDict.State state,
                                    List<Tensor> tensors) {
        sb.append(",\"step\":").append(state.step()).append(",\"buffers\":[");
        boolean first = true;
        for (Map.Entry<String, float[]> e : state.sharedBuffers().entrySet()) {
            String buffer = e.getKey();
            float[] data = e.getValue();
            Rule.Buffer declared = rule == null ? null : rule.buffer(buffer);
            boolean rows = declared != null && declared.stacked();
            if (rows && !declared.fits(data.length, p.size(), p.shape())) {
                throw new IllegalStateException("parameter " + p.name() + " has " + p.size()
                        + " elements but its state " + buffer + " has " + data.length + ", not a whole number of rows");
            }
            int[] shape = declared == null ? p.shape() : declared.shapeOf(data.length, p.size(), p.shape());
            if (!rows && (shape == null || data.length != elements(shape))) {
                throw new IllegalStateException("parameter " + p.name() + " of shape " + Arrays.toString(p.shape())
                        + " has a state " + buffer + " of " + data.length + " elements, "
                        + (shape == null ? "a buffer " + rule + " does not keep for it" : "expected " + elements(shape)));
            }
            Json.appendString(sb.append(first ? "" : ","), buffer);
            first = false;
            tensors.add(new Tensor(p.name() + "/" + buffer, shape, data));
        }
        StringBuilder compressed = new StringBuilder();
        for (Map.Entry<String, CompressedBuffer> e : state.sharedCompressedBuffers().entrySet()) {
            String buffer = e.getKey();
            Json.appendString(sb.append(first ? "" : ","), buffer);
            first = false;
            Json.appendString(compressed.append(compressed.isEmpty() ? "" : ","), buffer);
            String name = p.name() + "/" + buffer;
            switch (e.getValue()) {
                case CompressedBuffer.BFloat16Buffer b -> {
                    compressed.append(":{\"dtype\":\"BF16\"}");
                    tensors.add(new Tensor(name, p.shape(), "BF16", b.bits()));
                }
                case CompressedBuffer.BlockwiseBuffer q -> {
                    compressed.append(":{\"dtype\":\"U8\",\"block_size\":").append(q.blockSize())
                            .append(",\"signed\":").append(q.signed()).append('}');
                    tensors.add(new Tensor(name, p.shape(), "U8", q.codes()));
                    tensors.add(new Tensor(name + "/" + CheckpointReader.ABSMAX, new int[] {q.absmax().length}, q.absmax()));
                }
            }
        }
        sb.append("],\"scalars\":{");
        first = true;
        for (Map.Entry<String, Double> e : state.scalars().entrySet()) {
            Json.appendString(sb.append(first ? "" : ","), e.getKey());
            first = false;
            appendDouble(sb.append(':'), e.getValue());
        }
        sb.append('}');
        if (!compressed.isEmpty()) { // only then, so files of float32 state keep their bytes
            sb.append(",\"compressed\":{").append(compressed).append('}');
        }
    }

    /**
     * The shape buffer {@code buffer} of {@code p} has: its rule's shape for it (Adafactor's
     * {@code row_var} is {@code [..., rows, 1]}), the parameter's own for buffers the rule does not
     * describe; null if the rule keeps no such buffer for a parameter of this shape.
     */
    static int[] bufferShape(Rule rule, int[] parameterShape, String buffer) {
        Rule.Buffer b = rule.buffer(buffer);
        return b == null ? parameterShape.clone() : b.shapeFor(parameterShape);
    }

    static long elements(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** A double as its shortest round-tripping decimal, or as "NaN", "Infinity" or "-Infinity". */
    private static void appendDouble(StringBuilder sb, double v) {
        if (Double.isFinite(v)) {
            sb.append(v);
        } else {
            sb.append('"').append(v).append('"');
        }
    }

    /** Double.toString: the shortest decimal that parses back to the same double, so values round-trip exactly. */
    private static StringBuilder appendFinite(StringBuilder sb, double v, String what) {
        if (!Double.isFinite(v)) {
            throw new IllegalStateException(what + " is " + v);
        }
        return sb.append(v);
    }

    /** The header JSON, padded with spaces to a multiple of 8 bytes as safetensors pads it. */
    private static byte[] header(String torchName, String groups, String settings, String schedulers,
                                 List<Tensor> tensors) {
        StringBuilder crcs = new StringBuilder("{");
        StringBuilder entries = new StringBuilder();
        long offset = 0;
        ByteBuffer chunk = chunk();
        for (int t = 0; t < tensors.size(); t++) {
            Tensor tensor = tensors.get(t);
            Json.appendString(crcs.append(t == 0 ? "" : ","), tensor.name);
            crcs.append(':').append('"').append(hex(crc32c(tensor, chunk))).append('"');
            long end = offset + (long) tensor.elementBytes() * tensor.length();
            Json.appendString(entries.append(','), tensor.name);
            entries.append(":{\"dtype\":\"").append(tensor.dtype).append("\",\"shape\":[");
            for (int d = 0; d < tensor.shape.length; d++) {
                entries.append(d == 0 ? "" : ",").append(tensor.shape[d]);
            }
            entries.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        crcs.append('}');
        StringBuilder sb = new StringBuilder("{\"__metadata__\":{");
        metadataEntry(sb, "format", Checkpoints.FORMAT).append(',');
        metadataEntry(sb, "version", Checkpoints.VERSION).append(',');
        metadataEntry(sb, "optimizer", torchName).append(',');
        metadataEntry(sb, "groups", groups).append(',');
        metadataEntry(sb, "groups_crc32c", hex(crc32c(groups.getBytes(StandardCharsets.UTF_8)))).append(',');
        metadataEntry(sb, "settings", settings).append(',');
        metadataEntry(sb, "settings_crc32c", hex(crc32c(settings.getBytes(StandardCharsets.UTF_8)))).append(',');
        metadataEntry(sb, "schedulers", schedulers).append(',');
        metadataEntry(sb, "schedulers_crc32c", hex(crc32c(schedulers.getBytes(StandardCharsets.UTF_8)))).append(',');
        metadataEntry(sb, "crc32c", crcs.toString());
        sb.append('}').append(entries).append('}');
        byte[] json = strictUtf8(sb);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) & ~7);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    private static StringBuilder metadataEntry(StringBuilder sb, String key, String value) {
        Json.appendString(sb, key);
        Json.appendString(sb.append(':'), value);
        return sb;
    }

    private static byte[] strictUtf8(CharSequence s) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            return Arrays.copyOfRange(b.array(), b.arrayOffset() + b.position(), b.arrayOffset() + b.limit());
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a parameter, state or scheduler name is not valid Unicode (unpaired surrogate)", e);
        }
    }

    /**
     * Writes to a temporary file in the target's directory, forces it to disk, moves it over the target
     * atomically and forces the directory, so a crash at any moment leaves either the old or the new file.
     */
    private static void writeAtomically(Path file, Encoded encoded) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path temp;
        FileChannel created;
        while (true) {
            // like Files.createTempFile, but with the permissions any new file gets (umask), not 0600
            String random = Long.toHexString(ThreadLocalRandom.current().nextLong());
            temp = dir.resolve("." + target.getFileName() + "." + random + ".tmp");
            try {
                created = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                break;
            } catch (FileAlreadyExistsException e) {
                // taken by another save: draw another name
            } catch (IOException e) {
                throw namingTarget(e, file, temp);
            }
        }
        try {
            write(created, temp, target, encoded);
        } catch (IOException e) {
            throw namingTarget(e, file, temp);
        }
        forceDirectory(dir);
    }

    /**
     * {@code e}, which the JDK reports against the hidden temporary file, as the same kind of exception
     * reported against {@code file}, the path the caller gave, with the temporary file named second.
     */
    static IOException namingTarget(IOException e, Path file, Path temp) {
        String target = file.toString();
        String via = " (saving through the temporary file " + temp + ")";
        String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        String why = (reason == null ? "cannot be written" : reason) + via;
        IOException named = switch (e) {
            case NoSuchFileException _ -> new NoSuchFileException(target, null, why);
            case AccessDeniedException _ -> new AccessDeniedException(target, null, why);
            case FileAlreadyExistsException _ -> new FileAlreadyExistsException(target, null, why);
            // these three carry no reason, and have no constructor that takes one
            case NotDirectoryException _ -> new FileSystemException(target, null, "a directory on its path is a file" + via);
            case DirectoryNotEmptyException _ -> new FileSystemException(target, null, "is a non-empty directory" + via);
            case AtomicMoveNotSupportedException _ ->
                    new FileSystemException(target, null, "this file system cannot replace it atomically" + via);
            case FileSystemException _ -> new FileSystemException(target, null, why);
            default -> e.getClass() == IOException.class
                    ? new IOException(target + ": " + why) // a raw OS error such as "No space left on device"
                    : e; // a kind that means something of its own (interrupted, closed): keep it
        };
        if (named != e) {
            named.initCause(e);
        }
        return named;
    }

    private static void write(FileChannel created, Path temp, Path target, Encoded encoded) throws IOException {
        try {
            try (FileChannel out = created) {
                write(encoded, out);
                out.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
    }

    /** Writes the header length, the header and every tensor to {@code out}: the bytes of a checkpoint file. */
    static void write(Encoded encoded, WritableByteChannel out) throws IOException {
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(encoded.header.length).flip();
        writeFully(out, length);
        writeFully(out, ByteBuffer.wrap(encoded.header));
        ByteBuffer chunk = chunk();
        for (Tensor tensor : encoded.tensors) {
            for (int from = 0; from < tensor.length(); from += CHUNK_FLOATS) {
                fill(chunk, tensor, from);
                writeFully(out, chunk);
            }
        }
    }

    /** Makes the rename durable where the platform can sync a directory (not on Windows). */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // this platform cannot open or sync a directory; the rename is still atomic
        }
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    static ByteBuffer chunk() {
        return ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Puts up to CHUNK_FLOATS elements of {@code tensor} from {@code from} into {@code chunk}, little-endian, ready to read. */
    private static void fill(ByteBuffer chunk, Tensor tensor, int from) {
        int n = Math.min(CHUNK_FLOATS, tensor.length() - from);
        chunk.clear();
        switch (tensor.data) {
            case float[] f -> chunk.asFloatBuffer().put(f, from, n);
            case short[] h -> chunk.asShortBuffer().put(h, from, n);
            case byte[] b -> chunk.put(b, from, n);
            default -> throw new IllegalStateException("no tensor data type " + tensor.data.getClass());
        }
        chunk.position(0).limit(tensor.elementBytes() * n);
    }

    private static int crc32c(Tensor tensor, ByteBuffer chunk) {
        CRC32C crc = new CRC32C();
        for (int from = 0; from < tensor.length(); from += CHUNK_FLOATS) {
            fill(chunk, tensor, from);
            crc.update(chunk);
        }
        return (int) crc.getValue();
    }

    static int crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    /** Eight lower-case hex digits. */
    static String hex(int crc) {
        return String.format("%08x", crc);
    }
}
