package dev.kiln.toe.action;

import dev.kiln.toe.action.TargetFiles.Kind;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;

/** AppendFile, ReadFile and SetFileEncoding: a file's text, in one of the encodings AWSTOE knows. */
final class FileContent {
    private FileContent() {
    }

    record AppendRequest(String path, String content, TextEncoding encoding) {
        static AppendRequest read(Inputs in) throws StepFailedException {
            return new AppendRequest(FileInputs.path(in, "path"), in.string("content", ""), FileInputs.encoding(in));
        }
    }

    record ReadRequest(String path, TextEncoding encoding, boolean print) {
        static ReadRequest read(Inputs in) throws StepFailedException {
            return new ReadRequest(FileInputs.path(in, "path"), FileInputs.encoding(in),
                    in.bool("printFileContent", false));
        }
    }

    record EncodingRequest(String path, TextEncoding encoding) {
        static EncodingRequest read(Inputs in) throws StepFailedException {
            return new EncodingRequest(FileInputs.path(in, "path"), FileInputs.encoding(in));
        }
    }

    static Action appendFile() {
        return EachInput.of("AppendFile", AppendRequest::read, FileContent::append);
    }

    /** Output {@code content}: the file's text; with several files, their texts one after another, like cat. */
    static Action readFile() {
        return EachInput.of("ReadFile", ReadRequest::read, FileContent::read).withOutput("content", "");
    }

    static Action setFileEncoding() {
        return EachInput.of("SetFileEncoding", EncodingRequest::read, FileContent::convert);
    }

    private static String append(AppendRequest request, TargetFiles files, ActionContext context)
            throws IOException, StepFailedException {
        files.existing(request.path(), Kind.FILE);
        files.target().write(request.path(), request.encoding().encode(request.content()), true);
        context.log("Appended " + request.content().length() + " characters to " + request.path());
        return null;
    }

    private static String read(ReadRequest request, TargetFiles files, ActionContext context)
            throws IOException, StepFailedException {
        String text = text(request.path(), request.encoding(), files);
        if (request.print()) {
            text.lines().forEach(context.output()::stdout);
        }
        context.log("Read " + request.path());
        return text;
    }

    private static String convert(EncodingRequest request, TargetFiles files, ActionContext context)
            throws IOException, StepFailedException {
        String text = text(request.path(), TextEncoding.UTF8, files);
        files.target().write(request.path(), request.encoding().encode(text), false);
        context.log("Converted " + request.path() + " from UTF-8 to " + request.encoding().displayName());
        return null;
    }

    private static String text(String path, TextEncoding encoding, TargetFiles files)
            throws IOException, StepFailedException {
        files.existing(path, Kind.FILE);
        try {
            return encoding.decode(files.target().read(path));
        } catch (CharacterCodingException e) {
            throw new StepFailedException(path + " is not " + encoding.displayName() + " text");
        }
    }
}
