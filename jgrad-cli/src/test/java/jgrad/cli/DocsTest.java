package jgrad.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * README.md and the pages under docs/ stay true to the software they describe:
 * <ul>
 *   <li>the README quotes examples/notebook-1c's Java verbatim and stays a front page (at most 220 lines);</li>
 *   <li>every {@code jgrad …} / {@code ./jgrad …} command line quoted in a code block or in backticks parses
 *       with picocli as {@link Main#execute} builds it (the subcommand exists, every option exists and takes the
 *       values given), without running; a value written as a placeholder ({@code N}, {@code DIR}, {@code H[xW]})
 *       only has to be one that the option takes, and {@code a|b|c} must parse as each of a, b and c;</li>
 *   <li>every repository path quoted exists (build outputs under target/ aside), every relative link and
 *       its #anchor resolve, every page under docs/ is linked from the README;</li>
 *   <li>every class named in full ({@code jgrad.train.Checkpoint}) or in the package map exists.</li>
 * </ul>
 * Command lines that {@code ./jgrad} runs on Spark ({@code --spark}, {@code spark-parquet}) parse with
 * {@code jgrad.spark.Main}, which jgrad-spark's {@code SparkDocsTest} checks through {@link #problems}.
 * A failure names the page and the line.
 */
public class DocsTest {
    /** The repository's root, seen from a module's directory (where Maven runs tests). */
    public static final Path ROOT = Path.of("..");
    private static final int README_MAX_LINES = 220;

    /** A place in a page, shown as {@code docs/cli.md:12}. */
    public record Where(String page, int line) {
        @Override
        public String toString() {
            return page + ":" + line;
        }
    }

    /** A piece of code in a page: a line of a code block (continuations joined) or a `span`. */
    record Code(Where where, String text, boolean block) {}

    /**
     * A jgrad command line quoted in a page: the words after {@code jgrad} as the shell splits them,
     * cut at an elision (…), a comment or a pipe. Each word says whether it was quoted.
     */
    public record Quoted(Where where, List<String> args, List<Boolean> quoted) {
        /** True when {@code ./jgrad} runs this on Spark, as the launcher decides: {@code --spark} anywhere, or {@code spark-parquet}. */
        public boolean spark() {
            return args.stream().anyMatch(a -> a.equals("--spark") || a.startsWith("--spark=")) || (!args.isEmpty() && args.get(0).equals("spark-parquet"));
        }
    }

    // ---- the checks -------------------------------------------------------------------------------------------------

    @Test
    void theReadmeQuotesTheExampleProjectVerbatim() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String example = Files.readString(ROOT.resolve("examples/notebook-1c/src/main/java/example/Notebook1c.java")).strip();
        assertTrue(readme.contains(example), "README.md's Java example differs from examples/notebook-1c's Notebook1c.java");
    }

    @Test
    void theReadmeIsAFrontPage() throws IOException {
        long lines = Files.readAllLines(ROOT.resolve("README.md")).size();
        assertTrue(lines <= README_MAX_LINES, "README.md has " + lines + " lines, more than " + README_MAX_LINES
                + ": move the depth into a page under docs/");
    }

    @Test
    void everyQuotedCommandLineParses() {
        List<String> problems = new ArrayList<>();
        CommandLine jgrad = new CommandLine(new Main()); // as Main.execute builds it: train's setting options come from its model transformer
        int checked = 0;
        for (Quoted q : commands()) {
            if (q.spark()) continue; // jgrad-spark's SparkDocsTest parses these with jgrad.spark.Main
            if (!q.args().isEmpty() && q.args().get(0).equals("notebook")) {
                // the launcher runs these itself (module jgrad-jupyter): `notebook` and `notebook install` only
                if (!q.args().equals(List.of("notebook")) && !q.args().equals(List.of("notebook", "install")))
                    problems.add(q.where() + ": `jgrad " + String.join(" ", q.args()) + "`: ./jgrad notebook takes no argument but install");
                checked++;
                continue;
            }
            problems.addAll(problems(q, jgrad));
            checked++;
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(checked >= 20, "found only " + checked + " jgrad command lines in README.md and docs/");
    }

    @Test
    void everyRepositoryPathQuotedExists() {
        List<String> problems = new ArrayList<>();
        Set<String> top = topLevelEntries();
        int checked = 0;
        for (Path page : pages())
            for (Code c : code(page))
                for (String word : c.text().split("[\\s`'\"(),;=]+")) {
                    String path = word.replaceFirst("^\\./", "").replaceFirst("[.:]$", "");
                    int slash = path.indexOf('/');
                    if (slash <= 0 || !top.contains(path.substring(0, slash))) continue;
                    if (path.contains("/target/")) continue; // what a build makes, not a file of the repository
                    path = path.replaceFirst("/[^/]*[*<].*$", ""); // a glob or a placeholder: its folder must exist
                    if (!Files.exists(ROOT.resolve(path))) problems.add(c.where() + ": names " + path + ", which is not in the repository");
                    checked++;
                }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(checked >= 20, "found only " + checked + " repository paths in README.md and docs/");
    }

    @Test
    void nothingNamesAPathOutsideTheRepository() {
        List<String> problems = new ArrayList<>();
        for (Path page : pages()) {
            List<String> lines = lines(page);
            for (int i = 0; i < lines.size(); i++)
                for (String outside : List.of("../shared", "/work/", "dist-packages"))
                    if (lines.get(i).contains(outside)) problems.add(where(page, i + 1) + ": names a path outside the repository (" + outside + ")");
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyLinkResolvesAndEveryPageIsLinkedFromTheReadme() throws IOException {
        List<String> problems = new ArrayList<>();
        Pattern link = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
        Set<Path> linkedFromReadme = new LinkedHashSet<>();
        Path root = ROOT.toRealPath();
        for (Path page : pages()) {
            List<String> lines = lines(page);
            String masked = String.join("\n", maskCode(lines));
            Matcher m = link.matcher(masked);
            while (m.find()) {
                Where w = where(page, lineOf(masked, m.start()));
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) continue; // a web address
                String file = target.replaceFirst("#.*$", ""), anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    problems.add(w + ": links to " + target + ", which does not exist");
                    continue;
                }
                if (!resolved.toRealPath().startsWith(root)) problems.add(w + ": links to " + target + ", outside the repository");
                if (anchor != null && !anchors(resolved).contains(anchor))
                    problems.add(w + ": links to " + target + ", but " + resolved.getFileName() + " has no heading #" + anchor
                            + " (it has " + anchors(resolved) + ")");
                if (page.getFileName().toString().equals("README.md")) linkedFromReadme.add(resolved.toRealPath());
            }
        }
        for (Path page : pages())
            if (page.getParent().getFileName().toString().equals("docs") && !linkedFromReadme.contains(page.toRealPath()))
                problems.add(page.getFileName() + ": docs/" + page.getFileName() + " is not linked from README.md");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyClassNamedExists() {
        List<String> problems = new ArrayList<>();
        Pattern qualified = Pattern.compile("\\bjgrad\\.([a-z]+)\\.([A-Z]\\w*)");
        Pattern mapRow = Pattern.compile("^\\| `jgrad\\.([a-z]+)`[^|]*\\|(.*)\\|$");
        Pattern span = Pattern.compile("`([A-Z][A-Za-z0-9]*)`");
        for (Path page : pages()) {
            List<String> lines = lines(page);
            for (int i = 0; i < lines.size(); i++) {
                Matcher q = qualified.matcher(lines.get(i));
                while (q.find())
                    if (!declares(q.group(1), q.group(2)))
                        problems.add(where(page, i + 1) + ": names jgrad." + q.group(1) + "." + q.group(2) + ", which does not exist");
                Matcher row = mapRow.matcher(lines.get(i));
                if (!row.matches()) continue;
                Matcher s = span.matcher(row.group(2));
                while (s.find())
                    if (!declares(row.group(1), s.group(1)))
                        problems.add(where(page, i + 1) + ": the row of jgrad." + row.group(1) + " names " + s.group(1) + ", which is not declared in it");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    // ---- reading the pages ------------------------------------------------------------------------------------------

    /** README.md and every page under docs/. */
    public static List<Path> pages() {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    /** Every jgrad command line quoted in README.md and docs/. */
    public static List<Quoted> commands() {
        List<Quoted> all = new ArrayList<>();
        for (Path page : pages())
            for (Code c : code(page)) {
                Quoted q = command(c);
                if (q != null) all.add(q);
            }
        return all;
    }

    private static List<String> lines(Path page) {
        try {
            return Files.readAllLines(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Where where(Path page, int line) {
        String name = page.getFileName().toString();
        return new Where(page.getParent().getFileName().toString().equals("docs") ? "docs/" + name : name, line);
    }

    /** The fences whose lines are not shell or output: their code is another language. */
    private static final Set<String> OTHER_LANGUAGES = Set.of("java", "xml", "python", "json");

    /** The code of a page: each line of a code block (a line ending in \ joined with the next) and each `span` of its text. */
    static List<Code> code(Path page) {
        List<String> lines = lines(page);
        List<Code> code = new ArrayList<>();
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (fence == null && l.startsWith("```")) {
                fence = l.substring(3).strip().toLowerCase(Locale.ROOT);
                continue;
            }
            if (fence != null && l.startsWith("```")) {
                fence = null;
                continue;
            }
            if ((fence != null && !OTHER_LANGUAGES.contains(fence)) || (fence == null && l.startsWith("    "))) {
                int first = i;
                StringBuilder joined = new StringBuilder(l.strip());
                while (joined.toString().endsWith("\\") && i + 1 < lines.size() && !lines.get(i + 1).startsWith("```")) {
                    joined.setLength(joined.length() - 1);
                    joined.append(' ').append(lines.get(++i).strip());
                }
                code.add(new Code(where(page, first + 1), joined.toString(), true));
            }
        }
        // spans, which may wrap onto the next line of their paragraph
        String masked = String.join("\n", maskCode(lines));
        Matcher m = Pattern.compile("`([^`]+)`").matcher(masked);
        while (m.find()) {
            if (m.group(1).contains("\n\n")) continue;
            code.add(new Code(where(page, lineOf(masked, m.start())), m.group(1).replace('\n', ' ').replace("\\|", "|"), false));
        }
        return code;
    }

    /** The page's lines with code blocks blanked out (kept as empty lines, so that line numbers stay). */
    private static List<String> maskCode(List<String> lines) {
        List<String> out = new ArrayList<>();
        boolean inFence = false;
        for (String l : lines) {
            boolean fenceLine = l.startsWith("```");
            out.add(inFence || fenceLine || l.startsWith("    ") ? "" : l);
            if (fenceLine) inFence = !inFence;
        }
        return out;
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) if (text.charAt(i) == '\n') line++;
        return line;
    }

    /** The #anchors of a page's headings, as GitHub makes them: lower case, punctuation dropped, spaces as hyphens. */
    private static Set<String> anchors(Path page) {
        Set<String> anchors = new LinkedHashSet<>();
        for (String l : maskCode(lines(page)))
            if (l.startsWith("#"))
                anchors.add(l.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
        return anchors;
    }

    private static Set<String> topLevelEntries() {
        try (Stream<Path> s = Files.list(ROOT)) {
            Set<String> names = new LinkedHashSet<>();
            s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".git") && !n.equals("target")).forEach(names::add);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Map<String, String> SOURCES = new HashMap<>();

    /** True when a source file of package jgrad.{@code pkg}, in any module, declares a type {@code name}. */
    private static boolean declares(String pkg, String name) {
        String sources = SOURCES.computeIfAbsent(pkg, p -> {
            StringBuilder all = new StringBuilder();
            try (Stream<Path> modules = Files.list(ROOT)) {
                for (Path dir : modules.map(m -> m.resolve("src/main/java/jgrad/" + p)).filter(Files::isDirectory).toList())
                    try (Stream<Path> files = Files.list(dir)) {
                        for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) all.append(Files.readString(f)).append('\n');
                    }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return all.toString();
        });
        return Pattern.compile("\\b(class|interface|enum|record)\\s+" + name + "\\b").matcher(sources).find();
    }

    // ---- command lines ----------------------------------------------------------------------------------------------

    /** Words that may stand before {@code jgrad} on a command line: an environment variable, a timer. */
    private static final Pattern PREFIX = Pattern.compile("[A-Z_][A-Z0-9_]*=\\S*|/usr/bin/time|time|-v");

    /** The jgrad command line in {@code c}, or null when it holds none. */
    static Quoted command(Code c) {
        String text = c.text().strip();
        if (c.block() && text.startsWith("$ ")) text = text.substring(2);
        List<String> words = new ArrayList<>();
        List<Boolean> quoted = new ArrayList<>();
        split(text, words, quoted);
        int start = -1;
        if (!words.isEmpty() && words.get(0).equals("spark-submit")) { // spark-submit [its options] jgrad-spark-app.jar ARGS
            for (int i = 1; i < words.size() && start < 0; i++) if (words.get(i).endsWith("jgrad-spark-app.jar")) start = i + 1;
        } else {
            for (int i = 0; i < words.size() && start < 0; i++) {
                String w = words.get(i);
                if (!quoted.get(i) && (w.equals("jgrad") || w.equals("./jgrad"))) start = i + 1;
                else if (quoted.get(i) || !PREFIX.matcher(w).matches()) break;
            }
        }
        if (start < 0 || start >= words.size()) return null;
        List<String> args = new ArrayList<>();
        List<Boolean> q = new ArrayList<>();
        for (int i = start; i < words.size(); i++) {
            String w = words.get(i);
            if (!quoted.get(i) && (w.equals("…") || w.equals("...") || w.startsWith("#") || w.equals("|") || w.equals("&&") || w.equals(";")
                    || w.startsWith(">") || w.startsWith("2>"))) break;
            args.add(w);
            q.add(quoted.get(i));
        }
        return args.isEmpty() ? null : new Quoted(c.where(), args, q);
    }

    /** Splits a command line into words as a POSIX shell does for the simple cases that pages quote: '…', "…" and \. */
    private static void split(String text, List<String> words, List<Boolean> quoted) {
        StringBuilder w = null;
        boolean anyQuote = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (Character.isWhitespace(ch)) {
                if (w != null) {
                    words.add(w.toString());
                    quoted.add(anyQuote);
                }
                w = null;
                anyQuote = false;
                continue;
            }
            if (w == null) w = new StringBuilder();
            if (ch == '\'' || ch == '"') {
                int end = text.indexOf(ch, i + 1);
                if (end < 0) end = text.length();
                w.append(text, i + 1, end);
                anyQuote = true;
                i = end;
            } else if (ch == '\\' && i + 1 < text.length()) {
                w.append(text.charAt(++i));
            } else {
                w.append(ch);
            }
        }
        if (w != null) {
            words.add(w.toString());
            quoted.add(anyQuote);
        }
    }

    /** A word that stands for a value: N, DIR, SPEC, H[xW], COMMAND. */
    private static final Pattern PLACEHOLDER = Pattern.compile("[A-Z][A-Z0-9_]*(\\[[A-Za-z0-9_]*\\])?");
    /** Values tried for a placeholder, one of which every option with a value takes. */
    private static final List<String> SAMPLES = List.of("1", "0.5", "classify", "simple", "sgd");

    /**
     * What is wrong with {@code q} as a command line of {@code cl} (which may be reused: picocli resets every
     * option before it parses), each problem
     * naming the page and line; empty when it parses. A word {@code a|b|c} must parse as each of a, b and c,
     * and a subcommand placeholder ({@code jgrad COMMAND --help}) as every subcommand; a value placeholder
     * (N, DIR) as one of a few sample values.
     */
    public static List<String> problems(Quoted q, CommandLine cl) {
        List<String> problems = new ArrayList<>();
        for (List<String> variant : variants(q, cl)) {
            if (variant.size() == 1) { // a command named in the text (`jgrad predict`): it exists
                if (!cl.getSubcommands().containsKey(variant.get(0)))
                    problems.add(q.where() + ": `jgrad " + variant.get(0) + "`: there is no such command");
                continue;
            }
            String error = null;
            for (List<String> args : samples(variant)) {
                error = parse(args, cl);
                if (error == null) break;
            }
            if (error != null) problems.add(q.where() + ": `jgrad " + String.join(" ", variant) + "` does not parse: " + error);
        }
        return problems;
    }

    /** The command lines that {@code q} stands for, all of which must parse: one per alternative a|b|c, and per subcommand for COMMAND. */
    private static List<List<String>> variants(Quoted q, CommandLine cl) {
        List<List<List<String>>> choices = new ArrayList<>();
        for (int i = 0; i < q.args().size(); i++) {
            String w = q.args().get(i);
            if (i == 0 && PLACEHOLDER.matcher(w).matches())
                choices.add(cl.getSubcommands().keySet().stream().map(List::of).toList());
            else if (!q.quoted().get(i) && w.contains("|") && !w.startsWith("|"))
                choices.add(Stream.of(w.split("\\|")).map(List::of).toList());
            else choices.add(List.of(List.of(w)));
        }
        return product(choices);
    }

    /** {@code args} with each value placeholder replaced by each sample value, in every combination. */
    private static List<List<String>> samples(List<String> args) {
        List<List<List<String>>> choices = new ArrayList<>();
        for (int i = 0; i < args.size(); i++)
            choices.add(i > 0 && PLACEHOLDER.matcher(args.get(i)).matches() ? SAMPLES.stream().map(List::of).toList() : List.of(List.of(args.get(i))));
        return product(choices);
    }

    /** Every list made by taking one of {@code choices.get(i)} for each i, concatenated. */
    private static List<List<String>> product(List<List<List<String>>> choices) {
        List<List<String>> out = new ArrayList<>(List.of(List.of()));
        for (List<List<String>> c : choices) {
            List<List<String>> next = new ArrayList<>();
            for (List<String> v : out)
                for (List<String> choice : c) {
                    List<String> longer = new ArrayList<>(v);
                    longer.addAll(choice);
                    next.add(longer);
                }
            out = next;
        }
        return out;
    }

    /** Parses {@code args} as picocli does before running a command; null when it parses, else picocli's message. */
    private static String parse(List<String> args, CommandLine cl) {
        try {
            cl.parseArgs(args.toArray(String[]::new));
            return null;
        } catch (CommandLine.ParameterException e) {
            return e.getMessage();
        }
    }
}
