package jgrad.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.data.SklearnData;

/**
 * Training on one's own data from the command line and predicting with the saved model: a CSV table
 * with named columns (sklearn's iris, given a header), whose new rows are read by column name in any
 * order, and a folder of colour pictures by class, whose pictures are read at the model's size and
 * channels. Bad input names the file and what is wrong.
 */
class OwnDataCommandTest {
    @TempDir
    Path tmp;

    /**
     * sklearn's iris with a header of column names and the species by name (its own first line is a
     * summary, not names, and its target the class index).
     */
    private Path namedIris() throws IOException {
        List<String> lines = Files.readAllLines(SklearnData.dir().resolve("iris.csv"));
        List<String> species = List.of(lines.getFirst().split(",")).subList(2, 5);
        List<String> out = new ArrayList<>(List.of("sepal_length,sepal_width,petal_length,petal_width,species"));
        for (String line : lines.subList(1, lines.size())) {
            int comma = line.lastIndexOf(',');
            out.add(line.substring(0, comma + 1) + species.get(Integer.parseInt(line.substring(comma + 1).trim())));
        }
        return Files.write(tmp.resolve("iris.csv"), out);
    }

    @Test
    void aTableTrainsAndItsModelPredictsNewRowsByColumnName() throws IOException {
        Path iris = namedIris(), model = tmp.resolve("iris.safetensors");
        Out t = Out.run("train", "--data", iris.toString(), "--epochs", "60", "--threads", "1", "--no-progress", "--save", model.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("Data iris.csv/train: 120 training and 30 test samples of [4], 3 classes; classify"), t.out());
        assertTrue(t.out().contains("Training mlp, the default for a table: flatten, fc1=linear 256, relu, fc2=linear 128, relu, fc3=linear 3 "),
                t.out());
        double accuracy = Double.parseDouble(t.out().replaceAll("(?s).*Accuracy on test set: ([0-9.]+)%.*", "$1"));
        assertTrue(accuracy >= 90, t.out());
        // new rows with the columns in another order and an extra one: read by name
        Path rows = Files.writeString(tmp.resolve("rows.csv"), "petal_width,id,sepal_length,petal_length,sepal_width\n"
                + "0.2,1,5.1,1.4,3.5\n2.3,2,6.9,5.7,3.2\n");
        Out p = Out.run("predict", model.toString(), rows.toString(), "--top", "1");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().matches("(?s).*rows.csv line 2:\\n  setosa +\\d.*rows.csv line 3:\\n  virginica +\\d.*"), p.out());
        Path missing = Files.writeString(tmp.resolve("short.csv"), "petal_width,sepal_length\n0.2,5.1\n");
        Out m = Out.run("predict", model.toString(), missing.toString());
        assertEquals(1, m.code(), m.err());
        assertTrue(m.err().contains(missing + ": no column 'sepal_width'; the model takes the columns sepal_length, sepal_width, petal_length, "
                + "petal_width"), m.err());
        Path bad = Files.writeString(tmp.resolve("bad.csv"), "petal_width,sepal_length,petal_length,sepal_width\n0.2,5.1,x,3.5\n");
        Out b = Out.run("predict", model.toString(), bad.toString());
        assertEquals(1, b.code(), b.err());
        assertTrue(b.err().contains(bad + ":2:") && b.err().contains("'petal_length'"), b.err());
    }

    @Test
    void optionsThatDoNotApplyToTheSourceAreRefused() throws IOException {
        Out o = Out.run("train", "--skip-rows", "1", "--no-download", "--epochs", "1");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("--skip-rows does not apply to Fashion-MNIST's IDX files"), o.err());
        Out c = Out.run("train", "--data", namedIris().toString(), "--channels", "3", "--epochs", "1");
        assertEquals(2, c.code(), c.err());
        assertTrue(c.err().contains("--channels does not apply to a table"), c.err());
        Out s = Out.run("train", "--data", namedIris().toString(), "--arch", "conv 4 3, flatten, linear", "--epochs", "1");
        assertEquals(2, s.code(), s.err());
        assertTrue(s.err().contains("conv") && s.err().contains("[4]"), s.err());
    }

    @Test
    void aFolderOfColourPicturesTrainsAndItsModelReadsAPictureInColourAtItsSize() throws IOException {
        Path root = tmp.resolve("shapes");
        // two classes that differ in colour: reddish and bluish 12×10 pictures with noise
        java.util.Random r = new java.util.Random(1);
        for (String cls : List.of("blue", "red"))
            for (int i = 0; i < 24; i++) {
                BufferedImage img = new BufferedImage(12, 10, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 10; y++)
                    for (int x = 0; x < 12; x++) {
                        int hi = 160 + r.nextInt(90), lo = r.nextInt(90);
                        img.setRGB(x, y, cls.equals("red") ? hi << 16 | lo << 8 | lo : lo << 16 | lo << 8 | hi);
                    }
                Files.createDirectories(root.resolve(cls));
                ImageIO.write(img, "png", root.resolve(cls).resolve(i + ".png").toFile());
            }
        Path model = tmp.resolve("shapes.safetensors");
        Out t = Out.run("train", "--data", root.toString(), "--image-size", "8x8", "--epochs", "3", "--batch-size", "8", "--threads", "1",
                "--no-progress", "--save", model.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("38 training and 10 test samples of [3, 8, 8], 2 classes; classify"), t.out());
        assertTrue(t.out().contains("Training cnn, the default for images"), t.out());
        Path picture = root.resolve("red").resolve("0.png");
        Out p = Out.run("predict", model.toString(), picture.toString(), "--top", "1");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains(picture + ": RGB, resized 12×10 → 8×8"), p.out());
        assertTrue(p.out().matches("(?s).*\\n  red +\\d.*"), p.out());
    }
}
