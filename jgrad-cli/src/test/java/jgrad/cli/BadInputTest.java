package jgrad.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The catalogue of bad command lines and environments: each ends with its exit code (2 for a bad
 * command line, 1 for a failure at run time) and a message saying what is wrong, never a stack
 * trace and never exit 0. {@code TMP} in an argument is a fresh directory holding a file {@code f}.
 */
class BadInputTest {
    @TempDir
    static Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--lr Infinity                    | 2 | --lr must be a finite positive number, got Infinity",
            "--lr -1                          | 2 | --lr must be a finite positive number, got -1.0",
            "--lr abc                         | 2 | Invalid value for option '--lr': 'abc' is not a number",
            "--weight-decay NaN               | 2 | --weight-decay must be a finite number ≥ 0, got NaN",
            "--momentum -Infinity             | 2 | --momentum must be a finite number ≥ 0, got -Infinity",
            "--batch-size 2147483647          | 2 | --batch-size 2147483647 is larger than the training set (60000 images)",
            "--batch-size 0                   | 2 | --batch-size must be at least 1, got 0",
            "--threads 0                      | 2 | --threads must be at least 1, got 0",
            "--checkpoint-every 0 --checkpoint TMP/c | 2 | --checkpoint-every must be at least 1, got 0",
            "--checkpoint-every 5             | 2 | --checkpoint-every needs --checkpoint DIR or --resume DIR",
            "--resume TMP/none                | 1 | TMP/none: no such directory",
            "--resume TMP                     | 1 | TMP: holds no checkpoint (checkpoint-*.safetensors)",
            "--resume TMP --report TMP/r      | 2 | --report cannot be combined with --resume",
            "--save TMP/f/net.safetensors     | 1 | cannot write TMP/f/net.safetensors: TMP/f is a file",
            "--save TMP                       | 1 | cannot write TMP: it is a directory",
            "--save /proc/net.safetensors     | 1 | cannot write /proc/net.safetensors: cannot create files in /proc",
            "--checkpoint TMP/f               | 1 | cannot write TMP/f: TMP/f is a file",
            "--data-dir TMP/f                 | 1 | TMP/f",
            "--lr 1e30                        | 1 | loss",
    })
    void isRefusedClearly(String args, int code, String message) throws Exception {
        Files.writeString(tmp.resolve("f"), "not a directory");
        StringWriter o = new StringWriter(), e = new StringWriter();
        String[] a = ("train --no-download --no-progress --epochs 1 " + args.replace("TMP", tmp.toString())).split(" ");
        int exit = Main.execute(a, new PrintWriter(o, true), new PrintWriter(e, true));
        assertEquals(code, exit, e.toString());
        assertTrue(e.toString().contains(message.replace("TMP", tmp.toString())), e.toString());
        assertFalse(e.toString().contains("\tat "), "no stack trace:\n" + e);
    }
}
