package dev.kiln.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reading the documents named on the command line. */
final class DocumentFiles {
    /** Larger files are refused before reading them whole. */
    static final long MAX_BYTES = 4L * 1024 * 1024;

    private DocumentFiles() {
    }

    static List<String> split(String commaSeparated) {
        List<String> out = new ArrayList<>();
        Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        return out;
    }

    static String read(String path) {
        if (path.startsWith("s3://") || path.startsWith("arn:")) {
            throw new UserError(path + ": kiln toe reads local files; S3 documents and component ARNs are"
                    + " resolved by a Kiln server build");
        }
        Path p = Path.of(path);
        try {
            if (Files.isDirectory(p)) {
                throw new UserError(path + ": is a folder, not a document");
            }
            long size = Files.size(p);
            if (size > MAX_BYTES) {
                throw new UserError(String.format("%s: the document is %,d bytes; the limit is %,d", path, size,
                        MAX_BYTES));
            }
            byte[] bytes = Files.readAllBytes(p);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new UserError(path + ": no such file");
        } catch (CharacterCodingException e) {
            throw new UserError(path + ": not a UTF-8 text file");
        } catch (IOException e) {
            throw new UserError(path + ": cannot read: " + e.getMessage());
        }
    }
}
