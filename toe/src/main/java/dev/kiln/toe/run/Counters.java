package dev.kiln.toe.run;

/** Step counts for a run summary. */
final class Counters {
    int executed;
    int failed;
    int ignored;
}
