package jgrad.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** What one in-process run of the {@code jgrad} command gives: its exit code and what it printed on each stream. */
record Out(int code, String out, String err) {
    static Out run(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = Main.execute(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new Out(code, o.toString(), e.toString());
    }
}
