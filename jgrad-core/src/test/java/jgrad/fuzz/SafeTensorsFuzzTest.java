package jgrad.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.autograd.Tensor;
import jgrad.fuzz.Fuzz.Input;
import jgrad.fuzz.SafeTensorsFile.Entry;
import jgrad.nn.SafeTensors;

/**
 * The mutation fuzz campaign of {@link SafeTensors#read} over {@link SafeTensorsMutations}' inputs:
 * {@link SafeTensorsFile#reference} decides which inputs are valid; the reader must refuse every
 * other one and load each valid one to exactly the values its bytes hold, which must also survive
 * a save and a second read.
 */
class SafeTensorsFuzzTest {
    @TempDir
    Path dir;

    @Test
    void read() throws IOException {
        List<byte[]> seeds = seeds(dir);
        Fuzz.campaign("safetensors", target(dir), Fuzz.INPUTS, r -> SafeTensorsMutations.generate(r, seeds.get(r.nextInt(seeds.size()))), dir);
    }

    /** A model's state as jgrad saves it (with metadata), a hand-made file as PyTorch lays one out, and an empty one. */
    static List<byte[]> seeds(Path dir) throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("fc.weight", Tensor.of(new float[]{0.5f, -1.25f, 3e-8f, Float.MAX_VALUE, -0f, 7}, 2, 3));
        state.put("fc.bias", Tensor.of(0.1f, -0.2f));
        state.put("bn.running_var", Tensor.of(1, 2, 3));
        state.put("bn.num_batches_tracked", Tensor.of(new float[]{12}));
        Path saved = dir.resolve("seed.safetensors");
        SafeTensors.save(state, Map.of("format", "pt"), saved);
        byte[] jgrad = Files.readAllBytes(saved);

        var hand = new SafeTensorsFile();
        hand.metadata = "{\"format\":\"pt\",\"note\":\"\u00fc\"}";
        hand.entries.add(new Entry("b", "\"F64\"", List.of("3"), "16", "40"));
        hand.entries.add(new Entry("a", "\"F32\"", List.of("2", "2"), "0", "16"));
        hand.entries.add(new Entry("empty", "\"F32\"", List.of("0", "5"), "40", "40"));
        hand.entries.add(new Entry("n", "\"I64\"", List.of(), "40", "48"));
        hand.data = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(1).putFloat(-2).putFloat(Float.NaN).putFloat(1e-40f).putDouble(0.1).putDouble(-1e300).putDouble(3).putLong(938).array();
        byte[] handMade = hand.bytes(SafeTensorsFile.json(hand.members()).getBytes(UTF_8), 0);

        var empty = new SafeTensorsFile();
        empty.data = new byte[0];
        return List.of(jgrad, handMade, empty.bytes("{}".getBytes(UTF_8), 0));
    }

    static Fuzz.Target<SafeTensors.Contents> target(Path dir) {
        return new Fuzz.Target<>() {
            public List<String> names() {
                return List.of("fuzz.safetensors");
            }

            public Class<? extends IOException> refusal() {
                return IOException.class;
            }

            public SafeTensors.Contents read(List<Path> files) throws IOException {
                return SafeTensors.read(files.getFirst());
            }

            public void check(Input in, SafeTensors.Contents c) throws IOException {
                SafeTensorsFile.Expected expected = SafeTensorsFile.reference(in.files()[0]);
                assertNotNull(expected, "the reference refuses it");
                same(expected, c);
                Path again = dir.resolve("again.safetensors");
                SafeTensors.save(c.tensors(), c.metadata(), again);
                same(expected, SafeTensors.read(again));
            }
        };
    }

    static void same(SafeTensorsFile.Expected expected, SafeTensors.Contents c) {
        assertEquals(List.copyOf(expected.tensors().keySet()), List.copyOf(c.tensors().keySet()), "tensor names in header order");
        assertEquals(expected.metadata(), c.metadata(), "metadata");
        for (var e : expected.tensors().entrySet()) {
            Tensor t = c.tensors().get(e.getKey());
            assertArrayEquals(e.getValue().shape(), t.shape(), e.getKey());
            int[] bits = new int[t.numel()];
            for (int i = 0; i < bits.length; i++) bits[i] = Float.floatToIntBits(t.data()[i]);
            assertArrayEquals(e.getValue().bits(), bits, e.getKey());
        }
    }
}
