package jgrad.report;

/**
 * One training epoch as the report shows it: the mean of its {@code steps} batch losses (what the
 * notebook prints as {@code running_loss / len(trainloader)}) and, where it was measured after the
 * epoch, accuracy {@code 100·#(argmax = label)/N} and mean cross-entropy {@code Σ CE/N} on the
 * training and test sets. A value that was not measured is {@code NaN}, and the charts leave it out.
 *
 * @param epoch   the epoch's number, from 1
 * @param steps   optimizer steps (batches) in the epoch
 * @param seconds the epoch's wall-clock training time
 * @param samples training samples seen in the epoch
 */
public record EpochRecord(int epoch, int steps, double meanLoss, double seconds, long samples,
                          double trainAccuracy, double trainCrossEntropy, double testAccuracy, double testCrossEntropy) {
    public EpochRecord {
        if (epoch < 1) throw new IllegalArgumentException("epoch numbers start at 1, got " + epoch);
        if (steps < 0 || samples < 0) throw new IllegalArgumentException("epoch " + epoch + ": negative steps " + steps + " or samples " + samples);
    }

    /** This epoch with its accuracy and cross-entropy on both sets. */
    public EpochRecord withEvaluation(double trainAccuracy, double trainCrossEntropy, double testAccuracy, double testCrossEntropy) {
        return new EpochRecord(epoch, steps, meanLoss, seconds, samples, trainAccuracy, trainCrossEntropy, testAccuracy, testCrossEntropy);
    }
}
