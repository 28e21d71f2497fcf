/* report.h — `otpsim report`: capacity reports from sweeps of a scenario (docs/reports.md).
 *
 * Runs a scenario over a grid of parameter values and seeds as `otpsim run` child processes (in
 * parallel, or one shard of the grid per machine), then writes DIR/index.html, report.md,
 * summary.json, data/ (CSV) and plots/ (gnuplot scripts, SVG, PNG). The report is a pure function of the runs'
 * results: the same scenario, parameters, seeds and binary give byte-identical summary.json,
 * CSVs and documents, whether run in one process or merged from shards. */
#ifndef HOST_REPORT_H
#define HOST_REPORT_H

/* The help text of `otpsim report`. */
extern const char host_report_usage[];

/* Runs `otpsim report` with its arguments (after the word "report"); prog is argv[0]. Returns
 * the exit code: 0 report written and every run finished, 1 written but some run failed or did
 * not run, or a regression against --baseline, 2 usage error, 3 the report could not be
 * written. */
int host_report_main(int argc, char **argv, const char *prog);

#endif
