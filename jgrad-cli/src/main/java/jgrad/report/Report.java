package jgrad.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jgrad.app.Preset;

/**
 * A whole report: one run gives the single-run page, several runs (e.g. {@code jgrad seed}'s 1c and
 * 1d) the multi-run page, with their losses and accuracies overlaid and a table of each run's
 * headline numbers beside the published ones.
 *
 * @param title     the page's heading
 * @param version   the jgrad version that made the runs, e.g. {@code 0.1.0}
 * @param runs      at least one run, with distinct names
 * @param published per run name, published numbers to compare with (keys as in {@link RunRecord#summary()});
 *                  runs without an entry are shown alone
 */
public record Report(String title, String version, List<RunRecord> runs, Map<String, Map<String, String>> published) {
    public Report {
        Objects.requireNonNull(title);
        Objects.requireNonNull(version);
        runs = List.copyOf(runs);
        if (runs.isEmpty()) throw new IllegalArgumentException("a report needs at least one run");
        if (runs.stream().map(RunRecord::name).distinct().count() != runs.size())
            throw new IllegalArgumentException("run names must be distinct, got " + runs.stream().map(RunRecord::name).toList());
        Map<String, Map<String, String>> p = new LinkedHashMap<>();
        published.forEach((run, numbers) -> p.put(run, Collections.unmodifiableMap(new LinkedHashMap<>(numbers))));
        published = Collections.unmodifiableMap(p);
    }

    /**
     * The notebook's printed results for preset {@code p} that compare with a run of {@code epochs}:
     * its loss at that epoch (it printed one per epoch, up to 10), and its final figures only for a
     * run of all its epochs. Empty for a preset beyond the notebook.
     */
    public static Map<String, String> notebookNumbers(Preset p, int epochs) {
        Map<String, String> m = new LinkedHashMap<>();
        if (!p.fromNotebook()) return m;
        m.put(RunRecord.FINAL_LOSS, RunRecord.fixed(p.notebookEpochLoss(epochs)));
        boolean full = epochs == p.epochs;
        m.put(RunRecord.TEST_ACCURACY, full ? RunRecord.percent(p.notebookAccuracy) : "");
        m.put(RunRecord.TRAIN_CE, full ? RunRecord.fixed(p.notebookTrainCE) : "");
        m.put(RunRecord.TEST_CE, full ? RunRecord.fixed(p.notebookTestCE) : "");
        return m;
    }
}
