# Lab trace: the tracer (kernel/trace), its tracepoints and pfa, the
# page-fault analyzer. Sourced by grade/grade.sh; helpers in grade/lib.sh;
# docs/tracing.md.

# The ring buffer, in the kernel: order, overruns, set_event, text.
boot trace cmdline="ktest=trace"
ktest_pass trace.events_in_order 5
ktest_pass trace.overrun_counts_and_goes_on 10
ktest_pass trace.set_event_patterns 5
ktest_pass trace.format_names_fields 5
