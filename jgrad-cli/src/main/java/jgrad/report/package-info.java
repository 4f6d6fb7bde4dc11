/**
 * The HTML training report: a directory with {@code index.html} and PNG charts that opens offline
 * in any browser. {@link jgrad.report.RunRecorder} records a training as a {@link jgrad.report.RunRecord},
 * {@link jgrad.report.Misclassifications} finds the test images the model is most sure of and wrong
 * about, and {@link jgrad.report.ReportWriter} writes one run (the single-run page) or several
 * (the multi-run page, overlaid and compared with the published numbers).
 *
 * <pre>{@code
 * var recorder = new RunRecorder(Trainer.Listener.NONE);
 * Run.Result r = Run.run(Settings.of(Preset.SIMPLE), train, test, recorder);
 * RunRecord run = recorder.record("1c", r, Misclassifications.mostConfident(r.model(), test, 16));
 * ReportWriter.write(Path.of("report"), new Report("jgrad train", "0.1.0", List.of(run),
 *         Map.of("1c", Report.notebookNumbers(Preset.SIMPLE, 10))));
 * }</pre>
 */
package jgrad.report;
