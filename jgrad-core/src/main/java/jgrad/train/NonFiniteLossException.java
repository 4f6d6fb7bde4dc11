package jgrad.train;

/** Training produced a NaN or infinite loss; the message names where, so it is not trained on silently. */
public final class NonFiniteLossException extends RuntimeException {
    public NonFiniteLossException(float loss, int epoch, int step, float lr) {
        super("loss is " + loss + " at epoch " + epoch + ", step " + step + " (learning rate " + lr
                + "): training stopped before this step's update. A lower learning rate often helps.");
    }
}
