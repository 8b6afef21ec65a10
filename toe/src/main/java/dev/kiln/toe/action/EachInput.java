package dev.kiln.toe.action;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A module whose inputs are a list, one operation each. Every mapping is read before anything runs,
 * so a mistake in the last one stops the step before the first one changes the machine. Then the
 * operations run in order and the first failure stops the step, its message naming the module and
 * the input: "CopyFile inputs[1]: file /tmp/x does not exist".
 *
 * @param <T> one operation's inputs, as a record
 */
final class EachInput<T> implements Action {

    interface Reader<T> {
        T read(Inputs inputs) throws StepFailedException;
    }

    interface Operation<T> {
        /** @return this operation's part of the step output, or null */
        String run(T request, TargetFiles files, ActionContext context)
                throws IOException, StepFailedException, InterruptedException;
    }

    private final String module;
    private final Reader<T> reader;
    private final Operation<T> operation;
    private final String output;
    private final String joiner;

    private EachInput(String module, Reader<T> reader, Operation<T> operation, String output, String joiner) {
        this.module = module;
        this.reader = reader;
        this.operation = operation;
        this.output = output;
        this.joiner = joiner;
    }

    static <T> EachInput<T> of(String module, Reader<T> reader, Operation<T> operation) {
        return new EachInput<>(module, reader, operation, null, null);
    }

    /** The same module, answering one output: the operations' non-empty parts, joined. */
    EachInput<T> withOutput(String name, String joiner) {
        return new EachInput<>(module, reader, operation, name, joiner);
    }

    @Override
    public ActionResult run(ActionContext context) throws StepFailedException, InterruptedException {
        List<T> requests = new ArrayList<>();
        try {
            for (Inputs in : context.inputList()) {
                requests.add(reader.read(in));
            }
        } catch (StepFailedException e) {
            throw new StepFailedException(module + ": " + e.getMessage());
        }
        TargetFiles files = new TargetFiles(context.target());
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            String part;
            try {
                part = operation.run(requests.get(i), files, context);
            } catch (StepFailedException e) {
                throw failure(i, e.getMessage());
            } catch (IOException e) {
                throw failure(i, describe(e));
            }
            if (part != null && !part.isEmpty()) {
                parts.add(part);
            }
        }
        return output == null ? ActionResult.none() : ActionResult.of(Map.of(output, String.join(joiner, parts)));
    }

    private StepFailedException failure(int index, String message) {
        return new StepFailedException(module + " inputs[" + index + "]: " + message);
    }

    /** An I/O error in words; the checks before each operation catch the usual cases with better ones. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + " does not exist";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " already exists";
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof DirectoryNotEmptyException d) {
            return "folder " + d.getFile() + " is not empty";
        }
        if (e instanceof UserPrincipalNotFoundException u) {
            return "no user or group named " + u.getName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
