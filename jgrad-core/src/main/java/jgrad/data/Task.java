package jgrad.data;

import java.util.Locale;

/**
 * What a dataset's target is, and so which loss trains it and which scores judge it:
 * <pre>
 *   CLASSIFY  a class index 0..K-1        outputs K logits      CrossEntropyLoss    accuracy, cross-entropy, confusion
 *   BINARY    0 or 1                      outputs 1 logit       BCEWithLogitsLoss   accuracy, BCE, ROC AUC
 *   REGRESS   T real values               outputs T values      MSELoss             RMSE, MAE, R²
 * </pre>
 * A dataset says what its target is; {@code jgrad train --task} overrides it (a two-class dataset
 * may be trained as {@code BINARY} with one output instead of {@code CLASSIFY} with two).
 */
public enum Task {
    CLASSIFY, BINARY, REGRESS;

    /** "classify", "binary" or "regress", as the command line spells it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The task spelled {@code id}. */
    public static Task byId(String id) {
        for (Task t : values()) if (t.id().equals(id)) return t;
        throw new IllegalArgumentException("unknown task '" + id + "': expected classify, binary or regress");
    }
}
