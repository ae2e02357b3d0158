package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;

/**
 * Paths and arguments that cannot be a checkpoint are refused with a message that names them: the
 * path the caller gave (never only the hidden temporary file), or the argument and its value.
 */
class CheckpointPathTest {

    @TempDir
    Path dir;

    private static Optimizer adam() {
        List<Parameter> model = Fixtures.model(5);
        Optimizer o = Fixtures.optimizer("Adam", Map.of(), model);
        Fixtures.run(o, model, 0, 2);
        return o;
    }

    @Test
    void loadingADirectoryNamesIt() throws IOException {
        Optimizer o = adam();
        Fixtures.Snapshot before = Fixtures.Snapshot.of(o);
        Path sub = Files.createDirectory(dir.resolve("checkpoints"));
        FileSystemException e = assertThrows(FileSystemException.class, () -> Checkpoints.load(o, sub));
        assertEquals(sub.toString(), e.getFile());
        assertEquals(sub + ": is a directory, not a checkpoint file", e.getMessage());
        before.assertSame(Fixtures.Snapshot.of(o), true, "after loading a directory");
    }

    @Test
    void aSaveIntoAMissingDirectoryNamesTheTarget() {
        Path target = dir.resolve("no/such/dir/state.safetensors");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Checkpoints.save(adam(), target));
        assertEquals(target.toString(), e.getFile(), e.getMessage());
        assertTrue(e.getMessage().startsWith(target + ": "), e.getMessage());
    }

    @Test
    void aSaveThatCannotReplaceTheTargetNamesTheTarget() throws IOException {
        Path target = Files.createDirectory(dir.resolve("occupied.safetensors"));
        Files.writeString(target.resolve("inside"), "a non-empty directory cannot be replaced");
        FileSystemException e = assertThrows(FileSystemException.class, () -> Checkpoints.save(adam(), target));
        assertEquals(target.toString(), e.getFile(), e.getMessage());
        assertTrue(e.getMessage().startsWith(target + ": "), e.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList(), "the temporary file is gone");
        }
    }

    @Test
    void savingToAPathWithoutAFileNameIsRefusedNamingIt() {
        for (String path : new String[] {"/", "", ".", "..", "a/.."}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoints.save(adam(), Path.of(path)), "'" + path + "'");
            assertEquals("file must name a file inside a directory, got '" + path + "'", e.getMessage());
        }
    }

    @Test
    void nullArgumentsAreRefusedNamingThem() {
        Optimizer o = adam();
        Path file = dir.resolve("state.safetensors");
        assertRefused("optimizer must not be null", () -> Checkpoints.save(null, file));
        assertRefused("file must not be null", () -> Checkpoints.save(o, (Path) null));
        assertRefused("schedulers must not be null; pass none for none",
                () -> Checkpoints.save(o, file, (Checkpointable[]) null));
        assertRefused("optimizer must not be null", () -> Checkpoints.load(null, file));
        assertRefused("file must not be null", () -> Checkpoints.load(o, (Path) null));
        assertRefused("schedulers must not be null; pass none for none",
                () -> Checkpoints.load(o, file, (Checkpointable[]) null));
    }

    private interface IoCall {
        void run() throws IOException;
    }

    private static void assertRefused(String message, IoCall call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertEquals(message, e.getMessage());
    }
}
