package jgrad.cli;

import static org.junit.jupiter.api.Assertions.*;


import org.junit.jupiter.api.Test;

class CliTest {
    private static Out run(String... args) {
        return Out.run(args);
    }

    @Test
    void exercise1bPrintsTheNotebooksOutput() {
        Out r = run("exercise", "1b");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Predicted Output (a3): 1.0\n"), r.out());
        assertTrue(r.out().contains("Binary Cross-Entropy Loss: 0.0\n"), r.out());
        assertTrue(r.out().contains("dL_dW3: tensor([[0., 0.]])"), r.out());
        assertTrue(r.out().contains("Updated W2: tensor([[2., 2., 2.],\n        [2., 2., 2.]])"), r.out());
    }

    @Test
    void helpIsCompleteForEveryCommand() {
        Out top = run("--help");
        assertEquals(0, top.code());
        for (String c : new String[]{"exercise", "train", "seed", "bench"}) assertTrue(top.out().contains(c), top.out());
        Out train = run("train", "--help");
        for (String o : new String[]{"--model", "--epochs", "--batch-size", "--lr", "--optimizer", "--seed", "--threads", "--data-dir"})
            assertTrue(train.out().contains(o), o + " missing from\n" + train.out());
    }

    @Test
    void badOptionsExitWith2AndAClearMessage() {
        Out r = run("train", "--epochs", "many");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--epochs") && r.err().contains("many"), r.err());
        Out m = run("train", "--model", "huge", "--no-download");
        assertEquals(2, m.code());
        assertTrue(m.err().contains("unknown model 'huge'"), m.err());
        assertEquals(2, run("exercise", "1z").code());
        assertEquals(2, run("frobnicate").code());
        assertEquals(2, run().code());
    }

    @Test
    void trainPrintsTheNotebooksLinesOnRealData() {
        java.nio.file.Path saved = java.nio.file.Path.of("target", "cli-test-net.safetensors");
        Out r = run("train", "--model", "simple", "--epochs", "1", "--no-download", "--confusion", "--no-progress", "--save", saved.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*Epoch 1, Loss: 1\\.0\\d+ .*\\[notebook: 0\\.9617].*"), r.out());
        assertTrue(r.out().contains("Accuracy on test set: "), r.out());
        assertTrue(r.out().contains("Cross-Entropy on training set: "), r.out());
        assertTrue(r.out().contains("Cross-Entropy on test set: "), r.out());
        assertTrue(r.out().contains("Ankle boot"), "confusion matrix names the classes:\n" + r.out());
        var net = new jgrad.models.Net();
        assertDoesNotThrow(() -> net.loadStateDict(jgrad.nn.SafeTensors.load(saved)));
    }
}
