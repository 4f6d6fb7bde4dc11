package jgrad.report;

import jgrad.train.Evaluation;

/**
 * One training epoch as the report shows it: the mean of its {@code steps} batch losses (what the
 * notebook prints as {@code running_loss / len(trainloader)}) and, where it was measured after the
 * epoch, the model's {@link Scores} on the training and test sets. A value that was not measured,
 * or that the task does not have (accuracy of a regression), is {@code NaN}, and the charts leave
 * it out.
 *
 * @param epoch   the epoch's number, from 1
 * @param steps   optimizer steps (batches) in the epoch
 * @param seconds the epoch's wall-clock training time
 * @param samples training samples seen in the epoch
 * @param train   scores on the training set after the epoch ({@link Scores#NONE} if not measured)
 * @param test    scores on the test set after the epoch
 */
public record EpochRecord(int epoch, int steps, double meanLoss, double seconds, long samples, Scores train, Scores test) {
    public EpochRecord {
        if (epoch < 1) throw new IllegalArgumentException("epoch numbers start at 1, got " + epoch);
        if (steps < 0 || samples < 0) throw new IllegalArgumentException("epoch " + epoch + ": negative steps " + steps + " or samples " + samples);
        java.util.Objects.requireNonNull(train);
        java.util.Objects.requireNonNull(test);
    }

    /** An epoch without scores yet. */
    public EpochRecord(int epoch, int steps, double meanLoss, double seconds, long samples) {
        this(epoch, steps, meanLoss, seconds, samples, Scores.NONE, Scores.NONE);
    }

    /** This epoch with its scores on both sets. */
    public EpochRecord withScores(Scores train, Scores test) {
        return new EpochRecord(epoch, steps, meanLoss, seconds, samples, train, test);
    }

    /** True when the epoch's test scores were measured. */
    public boolean scored() {
        return !Double.isNaN(test.loss());
    }

    /**
     * A model's scores on one set, as {@link Evaluation} defines them for its task; {@code NaN} where
     * the task has none:
     * <pre>
     *   CLASSIFY  accuracy (%), loss = mean cross-entropy
     *   BINARY    accuracy (%), loss = mean binary cross-entropy, auc = ROC AUC
     *   REGRESS   loss = MSE, rmse = √MSE, mae, r2 (R²), in the targets' own units
     * </pre>
     */
    public record Scores(double accuracy, double loss, double auc, double rmse, double mae, double r2) {
        public static final Scores NONE = new Scores(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        /** The scores of an evaluation. */
        public static Scores of(Evaluation e) {
            return new Scores(e.accuracy(), e.meanLoss(), e.auc(), e.rmse(), e.mae(), e.r2());
        }
    }
}
