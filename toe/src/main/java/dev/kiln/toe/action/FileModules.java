package dev.kiln.toe.action;

import static dev.kiln.toe.action.InputField.optional;
import static dev.kiln.toe.action.InputField.required;

import dev.kiln.toe.target.Platform;
import java.util.List;
import java.util.Set;

/** File and folder modules. Every one takes a list of operations. */
final class FileModules {
    private static final Set<Platform> ALL = Set.of(Platform.LINUX, Platform.WINDOWS, Platform.MACOS);
    private static final Set<Platform> UNIX = Set.of(Platform.LINUX, Platform.MACOS);

    private FileModules() {
    }

    static List<ModuleSpec> specs() {
        List<InputField> copyMove = List.of(required("source", InputType.STRING),
                required("destination", InputType.STRING), optional("overwrite", InputType.BOOLEAN));
        return List.of(
                spec("AppendFile", ALL, List.of(required("path", InputType.STRING),
                        optional("content", InputType.STRING), optional("encoding", InputType.ENCODING))),
                spec("CopyFile", ALL, copyMove),
                spec("CopyFolder", ALL, copyMove),
                spec("MoveFile", ALL, copyMove),
                spec("MoveFolder", ALL, copyMove),
                spec("CreateFile", ALL, List.of(required("path", InputType.STRING),
                        optional("content", InputType.STRING), optional("encoding", InputType.ENCODING),
                        optional("owner", InputType.STRING), optional("group", InputType.STRING),
                        optional("permissions", InputType.PERMISSIONS), optional("overwrite", InputType.BOOLEAN))),
                spec("CreateFolder", ALL, List.of(required("path", InputType.STRING),
                        optional("owner", InputType.STRING), optional("group", InputType.STRING),
                        optional("permissions", InputType.PERMISSIONS), optional("overwrite", InputType.BOOLEAN))),
                spec("CreateSymlink", UNIX, List.of(required("path", InputType.STRING),
                        required("target", InputType.STRING), optional("force", InputType.BOOLEAN))),
                spec("DeleteFile", ALL, List.of(required("path", InputType.STRING))),
                spec("DeleteFolder", ALL, List.of(required("path", InputType.STRING),
                        optional("force", InputType.BOOLEAN))),
                new ModuleSpec("ListFiles", ALL, InputShape.LIST, List.of(required("path", InputType.STRING),
                        optional("fileNamePattern", InputType.STRING), optional("recursive", InputType.BOOLEAN)),
                        List.of("files"), FileActions.forModule("ListFiles")),
                new ModuleSpec("ReadFile", ALL, InputShape.LIST, List.of(required("path", InputType.STRING),
                        optional("encoding", InputType.ENCODING), optional("printFileContent", InputType.BOOLEAN)),
                        List.of("content"), FileActions.forModule("ReadFile")),
                spec("SetFileEncoding", ALL, List.of(required("path", InputType.STRING),
                        optional("encoding", InputType.ENCODING))),
                spec("SetFileOwner", UNIX, List.of(required("path", InputType.STRING),
                        required("owner", InputType.STRING), optional("group", InputType.STRING))),
                spec("SetFolderOwner", UNIX, List.of(required("path", InputType.STRING),
                        required("owner", InputType.STRING), optional("group", InputType.STRING),
                        optional("recursive", InputType.BOOLEAN))),
                spec("SetFilePermissions", UNIX, List.of(required("path", InputType.STRING),
                        required("permissions", InputType.PERMISSIONS))),
                spec("SetFolderPermissions", UNIX, List.of(required("path", InputType.STRING),
                        required("permissions", InputType.PERMISSIONS), optional("recursive", InputType.BOOLEAN))));
    }

    private static ModuleSpec spec(String name, Set<Platform> platforms, List<InputField> fields) {
        return new ModuleSpec(name, platforms, InputShape.LIST, fields, List.of(), FileActions.forModule(name));
    }
}
