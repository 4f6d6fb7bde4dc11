package example;

import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.data.Batch;
import jgrad.data.DataLoader;
import jgrad.data.FashionMNIST;
import jgrad.data.Transform;
import jgrad.data.Transforms;
import jgrad.loss.CrossEntropyLoss;
import jgrad.nn.Linear;
import jgrad.nn.Module;
import jgrad.optim.SGD;
import jgrad.tensor.Rng;

/**
 * The notebook's exercise 1c written against jgrad's library API: the same network, data, loss,
 * optimizer and loop as the PyTorch code, line for line. Run with {@code mvn exec:exec [-Depochs=N]}.
 */
public final class Notebook1c {
    static final class Net extends Module {
        final Linear fc1 = register("fc1", new Linear(784, 256));
        final Linear fc2 = register("fc2", new Linear(256, 128));
        final Linear fc3 = register("fc3", new Linear(128, 10));

        @Override
        public Tensor forward(Tensor x) {
            x = x.view(-1, 784);
            x = fc1.forward(x).relu();
            x = fc2.forward(x).relu();
            return fc3.forward(x);
        }
    }

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Rng.manualSeed(0);
        Transform transform = Transforms.compose(Transforms.toTensor(), Transforms.normalize(0.5f, 0.5f));
        DataLoader trainloader = DataLoader.builder(FashionMNIST.load(true)).batchSize(64).shuffle(0).transform(transform).build();
        DataLoader testloader = DataLoader.builder(FashionMNIST.load(false)).batchSize(64).transform(transform).build();

        Net net = new Net();
        var criterion = new CrossEntropyLoss();
        var optimizer = new SGD(net.parameters(), 0.01f);

        for (int epoch = 0; epoch < epochs; epoch++) {
            double runningLoss = 0;
            for (Batch b : trainloader) {
                optimizer.zeroGrad();
                Tensor loss = criterion.forward(net.forward(b.inputs()), b.labels());
                loss.backward();
                optimizer.step();
                runningLoss += loss.item();
            }
            System.out.println("Epoch " + (epoch + 1) + ", Loss: " + runningLoss / trainloader.size());
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
        System.out.println("Accuracy on test set: " + 100.0 * correct / total + "%");
    }
}
