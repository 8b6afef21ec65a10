package dev.kiln.toe.action;

import dev.kiln.common.wait.Deadline;
import dev.kiln.common.s3.S3Client;
import dev.kiln.common.s3.S3Config;
import dev.kiln.common.s3.S3Exception;
import dev.kiln.toe.target.Target;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.security.MessageDigest;
import java.util.Arrays;

/** What the network modules share: the step's deadline, staged writes to the target, S3 access. */
final class Transfers {
    /** Bytes per write to the target: large, since each write may be a round trip over SSH. */
    static final int CHUNK = 1 << 20;

    private Transfers() {
    }

    /** The step's overall deadline, from {@link ActionContext#remaining()}; none when the step has no timeout. */
    static Deadline deadline(ActionContext context) {
        return Deadline.afterOrNever(context.remaining());
    }

    /** Fails a transfer whose step has run out of time. */
    static void check(Deadline deadline) throws HttpTimeoutException {
        if (deadline.expired()) {
            throw new HttpTimeoutException("the step's time ran out");
        }
    }

    /** Why a transfer failed: the step's deadline when it has passed, else the error itself. */
    static String describe(IOException e, Deadline deadline) {
        return deadline.expired() ? "the step's time ran out" : EachInput.describe(e);
    }

    /** An S3 client for the endpoint and credentials in the engine's environment, bound to the deadline. */
    static S3Client s3(String module, ActionContext context, Deadline deadline) throws StepFailedException {
        try {
            return new S3Client(S3Config.fromEnvironment(context.environment()), deadline::remainingOrNull);
        } catch (S3Exception e) {
            throw new StepFailedException(module + ": " + e.getMessage());
        }
    }

    /** Writing a file on the target failed; the message names the path. */
    static final class TargetWriteException extends Exception {
        TargetWriteException(String path, IOException cause) {
            super("cannot write " + path + ": " + EachInput.describe(cause), cause);
        }
    }

    /**
     * A file being written on the target. The content goes to a hidden file beside the destination and
     * reaches the destination only on {@link #commit()} (a rename), so a failed or rejected transfer
     * leaves no file, and never half of one, behind.
     */
    static final class StagedFile implements AutoCloseable {
        private final Target target;
        private final String destination;
        private final String partial;
        private boolean started;
        private boolean committed;

        StagedFile(Target target, String destination) {
            PathSyntax syntax = PathSyntax.of(target.platform());
            String hidden = "." + syntax.name(destination) + ".kiln-partial";
            String folder = syntax.parent(destination);
            this.target = target;
            this.destination = destination;
            this.partial = folder == null ? hidden : syntax.join(folder, hidden);
        }

        /**
         * Copies the stream into the staged file in chunks, feeding the digest (may be null); answers the
         * size. Reading the source fails with an IOException, writing the target with a
         * TargetWriteException, because only the first is worth another attempt.
         */
        long copyFrom(InputStream in, MessageDigest digest, Deadline deadline)
                throws IOException, TargetWriteException {
            byte[] buffer = new byte[CHUNK];
            long total = 0;
            int n;
            do {
                n = in.readNBytes(buffer, 0, buffer.length);
                check(deadline);
                try {
                    // The first write creates or truncates the file, even for empty content.
                    target.write(partial, Arrays.copyOf(buffer, n), started);
                } catch (IOException e) {
                    throw new TargetWriteException(destination, e);
                } finally {
                    started = true;
                }
                if (digest != null) {
                    digest.update(buffer, 0, n);
                }
                total += n;
            } while (n == buffer.length);
            return total;
        }

        void commit() throws TargetWriteException {
            try {
                target.move(partial, destination, true);
            } catch (IOException e) {
                throw new TargetWriteException(destination, e);
            }
            committed = true;
        }

        @Override
        public void close() {
            if (started && !committed) {
                try {
                    target.delete(partial, false);
                } catch (IOException e) {
                    // Best effort: the transfer's own error is the one worth reporting.
                }
            }
        }
    }
}
