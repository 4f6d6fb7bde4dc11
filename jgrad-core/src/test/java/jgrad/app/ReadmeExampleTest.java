package jgrad.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.data.*;
import jgrad.loss.CrossEntropyLoss;
import jgrad.nn.Linear;
import jgrad.nn.Module;
import jgrad.optim.SGD;

/** The Java version of notebook 1c from README.md, verbatim but for fewer steps, so the README's code compiles and runs. */
class ReadmeExampleTest {
    static class Net extends Module {
        final Linear fc1 = register("fc1", new Linear(784, 256));
        final Linear fc2 = register("fc2", new Linear(256, 128));
        final Linear fc3 = register("fc3", new Linear(128, 10));

        public Tensor forward(Tensor x) {
            x = x.view(-1, 784);
            x = fc1.forward(x).relu();
            x = fc2.forward(x).relu();
            return fc3.forward(x);
        }
    }

    @Test
    void readmeCodeTrainsAndEvaluates() throws IOException {
        Transform transform = Transforms.compose(Transforms.toTensor(), Transforms.normalize(0.5f, 0.5f));
        DataLoader trainloader = DataLoader.builder(FashionMNIST.load(true)).batchSize(64).shuffle(0).transform(transform).build();
        DataLoader testloader = DataLoader.builder(FashionMNIST.load(false)).batchSize(64).transform(transform).build();

        Net net = new Net();
        var criterion = new CrossEntropyLoss();
        var optimizer = new SGD(net.parameters(), 0.01f);

        int steps = 0;
        try (var batches = trainloader.iterator()) {
            while (batches.hasNext() && steps++ < 300) { // the README runs 10 full epochs
                Batch b = batches.next();
                optimizer.zeroGrad();
                Tensor loss = criterion.forward(net.forward(b.inputs()), b.labels());
                loss.backward();
                optimizer.step();
            }
        }

        net.eval();
        int correct = 0, total = 0;
        try (var noGrad = GradMode.noGrad()) {
            for (Batch b : testloader) {
                float[] predicted = net.forward(b.inputs()).argmax(1).data(), labels = b.labels().data();
                for (int i = 0; i < labels.length; i++) if (predicted[i] == labels[i]) correct++;
                total += labels.length;
            }
        }
        assertTrue(total == 10_000 && 100.0 * correct / total > 60, correct + " of " + total);
    }
}
