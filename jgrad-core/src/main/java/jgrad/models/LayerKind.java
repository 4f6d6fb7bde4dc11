package jgrad.models;

import java.util.List;

import jgrad.nn.Module;
import jgrad.tensor.Rng;

/**
 * One kind of layer, everything jgrad knows of it in one entry of {@link Layers}: the word and
 * grammar a {@link Spec} writes it in, what it is (the help line), the shape it gives for an input
 * shape and how many parameters it has, how to build its module, and how to export that module to
 * ONNX. Shapes here are without the batch dimension ({@code [1, 28, 28]}), except in {@link Export}.
 *
 * @param word    the spec's word for it ({@code conv})
 * @param syntax  its arguments
 * @param summary what it is, in at most 46 characters, for the help: {@code Conv2d(C, OUT, K) on [C, H, W]}
 * @param modules the module classes it builds and exports (a module is exported by the first entry
 *                whose class it is an instance of)
 * @param infer   the output shape and parameter count for an input shape, without building anything
 * @param build   its module for an input shape, its weights drawn from the generator
 * @param onnx    appends a module of this kind to an ONNX graph
 */
public record LayerKind(String word, Syntax syntax, String summary, List<Class<? extends Module>> modules, Infer infer, Build build,
                        Export onnx) {
    /** What a layer gives for an input shape: its output shape (without the batch) and its number of parameters. */
    public record Shape(int[] out, long parameters) {}

    /** The output shape and parameter count, or an {@link IllegalArgumentException} saying why the input does not fit. */
    public interface Infer {
        Shape apply(Syntax.Args args, int[] in);
    }

    public interface Build {
        Module apply(Syntax.Args args, int[] in, Rng rng);
    }

    /**
     * Appends module {@code m} (named {@code path}, so its tensors are {@code path.weight}) applied to
     * a value of shape {@code x} ({@code [-1, …]}, -1 the batch) and returns the output's shape, or
     * throws an {@link IllegalArgumentException} naming the layer and the shapes.
     */
    public interface Export {
        int[] apply(Onnx graph, String path, Module m, int[] x);
    }

    /** How a spec writes it: {@code linear OUT [nobias]}. */
    public String synopsis() {
        return syntax.synopsis(word);
    }

}
