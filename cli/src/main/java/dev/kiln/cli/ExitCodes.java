package dev.kiln.cli;

/** Exit statuses of kiln commands. */
final class ExitCodes {
    static final int OK = 0;
    /** The run or check was carried out and failed (a step failed, a document is invalid). */
    static final int FAILED = 1;
    /** Bad usage or input that could not be read. */
    static final int USAGE = 2;
    /** A document asked for a reboot; run the same command again to resume. */
    static final int REBOOT = 194;

    private ExitCodes() {
    }
}
