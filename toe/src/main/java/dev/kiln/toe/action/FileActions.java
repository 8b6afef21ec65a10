package dev.kiln.toe.action;

import dev.kiln.toe.action.TargetFiles.Kind;

/** What the file and folder modules do, by module name; and a stand-in for modules not yet written. */
final class FileActions {
    private FileActions() {
    }

    static Action forModule(String name) {
        return switch (name) {
            case "AppendFile" -> FileContent.appendFile();
            case "ReadFile" -> FileContent.readFile();
            case "SetFileEncoding" -> FileContent.setFileEncoding();
            case "CopyFile" -> FileTransfers.copy(name, Kind.FILE);
            case "CopyFolder" -> FileTransfers.copy(name, Kind.FOLDER);
            case "MoveFile" -> FileTransfers.move(name, Kind.FILE);
            case "MoveFolder" -> FileTransfers.move(name, Kind.FOLDER);
            case "CreateFile" -> FileCreation.createFile();
            case "CreateFolder" -> FileCreation.createFolder();
            case "CreateSymlink" -> FileCreation.createSymlink();
            case "DeleteFile" -> FileRemoval.deleteFile();
            case "DeleteFolder" -> FileRemoval.deleteFolder();
            case "ListFiles" -> FileListing.listFiles();
            case "SetFileOwner" -> FileAttributes.owner(name, Kind.FILE);
            case "SetFolderOwner" -> FileAttributes.owner(name, Kind.FOLDER);
            case "SetFilePermissions" -> FileAttributes.permissions(name, Kind.FILE);
            case "SetFolderPermissions" -> FileAttributes.permissions(name, Kind.FOLDER);
            default -> throw new IllegalArgumentException("no file module named " + name);
        };
    }

    /** Other module groups use this for modules still to be written. */
    static Action unimplemented(String name) {
        return ctx -> {
            throw new StepFailedException(name + " is not implemented yet");
        };
    }
}
