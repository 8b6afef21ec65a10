package dev.kiln.toe.document;

/** What a step's failure means for the run. */
public enum OnFailure {
    /** Stop: no further steps run; the phase and document fail. */
    Abort,
    /** Go on with the next steps, but the phase and document still fail. */
    Continue,
    /** Go on; the step counts as an ignored failure and the document as a success. */
    Ignore
}
