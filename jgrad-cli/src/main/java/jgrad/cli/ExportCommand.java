package jgrad.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import jgrad.app.Predictor;
import jgrad.export.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jgrad export}: a saved model as an ONNX file, for ONNX Runtime and other ONNX tools. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes a model saved by jgrad train --save as ONNX (IR version 8, opset 17, batch dimension N):",
                "every network a spec builds (Linear, Conv2d, pooling, batch norm, activations, dropout, flatten).",
                "Check it with: /usr/bin/python3 tools/onnx_check.py OUT.onnx"})
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A .safetensors file written by jgrad train --save.")
    Path model;
    @Option(names = "--onnx", paramLabel = "OUT", required = true, description = "The ONNX file to write.")
    Path onnx;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Errors.checkWritable(onnx, false); // before the model is read: a bad target is named first
        Predictor p = Predictor.load(model);
        try {
            OnnxExport.write(p.model(), p.spec().inputShape(), onnx);
        } catch (java.io.IOException e) { // named as the target, not its temporary file
            throw Errors.cannotWrite("the ONNX export", onnx, e);
        }
        spec.commandLine().getOut().println("Exported " + p.spec() + " (input [N, " + String.join(", ",
                java.util.Arrays.stream(p.spec().inputShape()).mapToObj(Integer::toString).toList()) + "]) to " + onnx);
        return 0;
    }
}
