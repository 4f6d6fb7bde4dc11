package jgrad.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.app.Settings;
import jgrad.data.Dataset;
import jgrad.testdata.Sklearn;
import jgrad.train.Trainer;

/** A run's final lines for each task, on real tables (sklearn's breast cancer and diabetes). */
class NotebookOutputTest {
    private static List<String> lines(Dataset[] data, int epochs, Run.Result[] result) {
        result[0] = Run.run(Settings.builder(Preset.MLP).epochs(epochs).build(), data[0], data[1], Trainer.Listener.NONE);
        StringWriter s = new StringWriter();
        NotebookOutput.printResult(new PrintWriter(s), result[0], true);
        return s.toString().lines().toList();
    }

    @Test
    void aBinaryRunPrintsAccuracyBinaryCrossEntropyAndAuc() throws Exception {
        Run.Result[] r = new Run.Result[1];
        List<String> out = lines(Sklearn.breastCancer(), 10, r);
        var test = r[0].test();
        assertEquals(List.of(String.format(Locale.ROOT, "Accuracy on test set: %.2f%%", test.accuracy()),
                "Binary Cross-Entropy on training set: " + r[0].train().meanLoss(),
                "Binary Cross-Entropy on test set: " + test.meanLoss(),
                String.format(Locale.ROOT, "ROC AUC on training set: %.4f", r[0].train().auc()),
                String.format(Locale.ROOT, "ROC AUC on test set: %.4f", test.auc())), out);
        assertTrue(test.accuracy() > 90 && test.auc() > 0.95, out.toString());
    }

    @Test
    void aRegressionPrintsRmseMaeAndR2OnBothSets() throws Exception {
        Run.Result[] r = new Run.Result[1];
        List<String> out = lines(Sklearn.diabetes(), 20, r);
        assertEquals(6, out.size(), out.toString());
        var test = r[0].test();
        assertEquals(String.format(Locale.ROOT, "RMSE on test set: %.4f", test.rmse()), out.get(0));
        assertEquals(String.format(Locale.ROOT, "MAE on test set: %.4f", test.mae()), out.get(1));
        assertEquals(String.format(Locale.ROOT, "R² on test set: %.4f", test.r2()), out.get(2));
        assertTrue(out.get(3).startsWith("RMSE on training set: ") && out.get(5).startsWith("R² on training set: "), out.toString());
        // in the target's units (disease progression one year on, about 25 to 346), not standardised
        assertTrue(test.rmse() > 20 && test.rmse() < 80 && test.r2() > 0.3, out.toString());
    }
}
