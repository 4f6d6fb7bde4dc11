package jgrad.spark;

import java.io.Serializable;

import jgrad.nn.Module;

/**
 * Makes a fresh network; Spark ships it to every executor, so it must be serialisable, e.g. a
 * preset's constructor {@code Preset.SIMPLE::model} or {@code () -> new Sequential(...)}. The
 * weights it draws do not matter on the executors: each worker overwrites them with the driver's.
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
    Module create();
}
