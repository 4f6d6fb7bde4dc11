package jgrad.optim;

/**
 * {@code lr = ηmin + (baseLr - ηmin)·(1 + cos(π·epoch/Tmax))/2}: half a cosine from the base rate down
 * to ηmin over Tmax epochs, PyTorch's CosineAnnealingLR (its closed form; past Tmax the cosine goes
 * on, as PyTorch's does).
 */
public final class CosineAnnealingLR extends LRScheduler {
    private final int tMax;
    private final float etaMin;

    public CosineAnnealingLR(Optimizer optimizer, int tMax, float etaMin) {
        super(optimizer);
        if (tMax < 1) throw new IllegalArgumentException("CosineAnnealingLR: T_max must be at least 1, got " + tMax);
        this.tMax = tMax;
        this.etaMin = etaMin;
    }

    @Override
    protected float lrAt(int epoch) {
        return (float) (etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2);
    }
}
