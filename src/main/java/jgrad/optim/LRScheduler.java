package jgrad.optim;

/**
 * Changes an optimizer's learning rate once per {@link #step()} (usually per epoch), like
 * {@code torch.optim.lr_scheduler}: the rate after {@code e} steps is {@link #lrAt}(e), a closed form
 * of the base rate the optimizer had when the scheduler was made.
 */
public abstract class LRScheduler {
    protected final Optimizer optimizer;
    protected final float baseLr;
    private int epoch;

    protected LRScheduler(Optimizer optimizer) {
        this.optimizer = optimizer;
        this.baseLr = optimizer.lr();
    }

    /** Advances one epoch and sets the optimizer's learning rate. */
    public void step() {
        epoch++;
        optimizer.setLr(lrAt(epoch));
    }

    public int epoch() {
        return epoch;
    }

    /** The learning rate after {@code epoch} scheduler steps. */
    protected abstract float lrAt(int epoch);
}
