package dev.kiln.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.toe.document.DocumentReader;
import dev.kiln.toe.target.Platform;
import dev.kiln.toe.validate.Problem;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln toe validate}: check documents without running them, reporting every problem. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check component documents and report every problem, with file:line:column.")
final class ToeValidateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = {"-d", "--documents"}, required = true, paramLabel = "a.yaml,b.yaml",
            description = "Comma-separated document paths.")
    String documents;

    @Option(names = {"-t", "--trace"}, description = "Show stack traces of internal errors.")
    boolean trace;

    @Option(names = "--os-platform", defaultValue = "linux", paramLabel = "linux|windows|macos",
            description = "The platform the documents are meant for (default: ${DEFAULT-VALUE}).")
    String platform;

    @Override
    public Integer call() throws Exception {
        Platform target = switch (platform.toLowerCase()) {
            case "linux" -> Platform.LINUX;
            case "windows" -> Platform.WINDOWS;
            case "macos", "darwin" -> Platform.MACOS;
            default -> throw new UserError("--os-platform must be linux, windows or macos");
        };
        PrintStream err = System.err;
        List<String> paths = DocumentFiles.split(documents);
        if (paths.isEmpty()) {
            throw new UserError("--documents names no document");
        }
        int errors = 0;
        List<String> notes = new ArrayList<>();
        for (String path : paths) {
            DocumentReader.Result result = DocumentReader.read(path, DocumentFiles.read(path));
            for (Problem p : result.problems()) {
                err.println(p);
            }
            errors += result.errors().size();
            if (result.valid()) {
                for (String note : DocumentReader.platformNotes(result.document(), target)) {
                    notes.add(path + ": " + note);
                }
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("validationStatus", errors == 0 ? "success" : "failed");
        answer.put("message", errors == 0
                ? "Document(s) " + paths + " is/are valid." + (notes.isEmpty() ? ""
                        : " Not runnable on " + target.displayName() + ": " + String.join("; ", notes))
                : errors + " error(s) in " + paths);
        System.out.println(JSON.writeValueAsString(answer));
        return errors == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
