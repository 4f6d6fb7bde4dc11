package jgrad.nn;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.autograd.Tensor;
import jgrad.tensor.Rng;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void aModelRoundTripsAndNothingIsLeftBehind() throws IOException {
        Sequential a = new Sequential(new Linear(4, 3, true, new Rng(1)), new BatchNorm1d(3), new Linear(3, 2, true, new Rng(2)));
        a.forward(Tensor.randn(new Rng(3), 5, 4)); // running statistics move away from their initial values
        Path f = dir.resolve("model.safetensors");
        SafeTensors.save(a.stateDict(), f);
        Sequential b = new Sequential(new Linear(4, 3, true, new Rng(7)), new BatchNorm1d(3), new Linear(3, 2, true, new Rng(8)));
        b.loadStateDict(SafeTensors.load(f));
        for (var e : a.stateDict().entrySet()) assertArrayEquals(e.getValue().data(), b.stateDict().get(e.getKey()).data(), e.getKey());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList(), "only the final file, no temporary one");
        }
        assertEquals(0, (Files.size(f) - 8 - headerLength(f)) % 4);
        assertEquals(0, headerLength(f) % 8, "data starts 8-byte aligned");
    }

    private static long headerLength(Path f) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** A file as PyTorch writes it: F32 weights and an I64 num_batches_tracked, with __metadata__. */
    @Test
    void readsPyTorchsLayoutIncludingI64() throws IOException {
        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[16,24]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 24).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).putFloat(1).putFloat(2).putFloat(3).putFloat(4).putLong(938);
        Path f = dir.resolve("pt.safetensors");
        Files.write(f, b.array());
        Map<String, Tensor> t = SafeTensors.load(f);
        assertEquals(List.of("w", "n"), List.copyOf(t.keySet()));
        assertArrayEquals(new float[]{1, 2, 3, 4}, t.get("w").data());
        assertArrayEquals(new int[]{2, 2}, t.get("w").shape());
        assertEquals(938f, t.get("n").item());
    }

    @Test
    void corruptFilesAreErrorsNamingTheFileAndTheProblem() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensors.save(Map.of("w", Tensor.ones(3, 3)), good);
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 5));
        var e = assertThrows(IOException.class, () -> SafeTensors.load(truncated));
        assertTrue(e.getMessage().contains("truncated.safetensors") && e.getMessage().contains("tensor w"), e.getMessage());

        Path shortFile = dir.resolve("short.safetensors");
        Files.write(shortFile, new byte[]{1, 2, 3});
        e = assertThrows(IOException.class, () -> SafeTensors.load(shortFile));
        assertTrue(e.getMessage().contains("short.safetensors") && e.getMessage().contains("too short"), e.getMessage());

        Path garbage = dir.resolve("garbage.safetensors");
        byte[] g = bytes.clone();
        g[8] = '#';
        Files.write(garbage, g);
        e = assertThrows(IOException.class, () -> SafeTensors.load(garbage));
        assertTrue(e.getMessage().endsWith("header does not start with '{'"), e.getMessage());
        g = bytes.clone();
        g[9] = '#';
        Files.write(garbage, g);
        e = assertThrows(IOException.class, () -> SafeTensors.load(garbage));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());

        Path f16 = dir.resolve("f16.safetensors");
        Files.write(f16, new String(bytes, StandardCharsets.ISO_8859_1).replace("F32", "F16").getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(IOException.class, () -> SafeTensors.load(f16));
        assertTrue(e.getMessage().contains("dtype 'F16'"), e.getMessage());
    }

    /** num_batches_tracked goes out as I64 as in PyTorch, metadata as __metadata__, and both come back. */
    @Test
    void metadataAndTheBatchCounterRoundTrip() throws IOException {
        BatchNorm1d bn = new BatchNorm1d(2);
        for (int i = 0; i < 3; i++) bn.forward(Tensor.randn(new Rng(i), 4, 2));
        Path f = dir.resolve("bn.safetensors");
        SafeTensors.save(bn.stateDict(), Map.of("format", "pt", "epochs", "3"), f);
        byte[] bytes = Files.readAllBytes(f);
        String header = new String(bytes, 8, (int) headerLength(f), StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{"), header);
        assertTrue(header.contains("\"num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":"), header);
        assertEquals(3L, ByteBuffer.wrap(bytes, bytes.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(), "the counter is the last tensor");
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(Map.of("format", "pt", "epochs", "3"), c.metadata());
        assertEquals(3f, c.tensors().get("num_batches_tracked").item());
        for (var e : bn.stateDict().entrySet()) assertArrayEquals(e.getValue().data(), c.tensors().get(e.getKey()).data(), e.getKey());
        SafeTensors.save(bn.stateDict(), f);
        assertEquals(Map.of(), SafeTensors.read(f).metadata(), "no metadata saved, none read");
    }

    @Test
    void saveRefusesWhatTheFormatCannotHold() {
        Path f = dir.resolve("x.safetensors");
        var e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.save(Map.of("bn.num_batches_tracked", Tensor.of(new float[]{2.5f})), f));
        assertEquals("bn.num_batches_tracked holds 2.5, not an integer within ±2^24", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(Map.of("__metadata__", Tensor.ones(1)), f));
        assertFalse(Files.exists(f));
    }
}
