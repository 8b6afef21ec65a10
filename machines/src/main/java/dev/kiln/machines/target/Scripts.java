package dev.kiln.machines.target;

/**
 * The fixed POSIX sh scripts behind ShellTarget's file operations. Paths only ever reach them as
 * positional arguments ($1, $2, ...), so no file name is parsed by a shell. Exit codes 3 to 6 are
 * the scripts' own answers (see {@link ShellTarget}); any other failure is the tool's, with its stderr.
 */
final class Scripts {

    static final int NO_SUCH_FILE = 3;
    static final int ALREADY_EXISTS = 4;
    static final int NOT_A_FOLDER = 5;
    static final int NOT_EMPTY = 6;

    /** $1 working folder ("" = default), $2 number of NAME=VALUE arguments that follow, then the command. */
    static final String EXEC = """
            d=$1; n=$2; shift 2
            while [ "$n" -gt 0 ]; do export "$1" || exit 125; shift; n=$((n - 1)); done
            if [ -n "$d" ]; then cd "$d" 2>/dev/null || { echo "%s" >&2; exit 126; }; fi
            exec "$@"
            """.formatted(ShellTarget.NO_WORKING_FOLDER);

    static final String READ = """
            [ -e "$1" ] || exit 3
            [ -d "$1" ] && { echo "$1 is a folder" >&2; exit 1; }
            exec cat -- "$1"
            """;

    /** $1 path, $2 "append" or "replace"; the data comes on standard input. */
    static final String WRITE = """
            case "$1" in */*) [ -d "${1%/*}/" ] || exit 3 ;; esac
            if [ "$2" = append ]; then exec cat >> "$1"; else exec cat > "$1"; fi
            """;

    /** Prints type, size, mode (octal), owner and group, a line each (the path is not printed: it may hold newlines). */
    static final String STAT = """
            [ -e "$1" ] || exit 3
            exec stat -L -c '%F
            %s
            %a
            %U
            %G' -- "$1"
            """;

    /**
     * Prints type, size, mode, owner, group and path of each entry, every field ended by a NUL byte.
     * GNU find prints them itself; BusyBox find has no -printf, so each entry is stat'ed (slower).
     */
    static final String LIST = """
            [ -d "$1" ] || { [ -e "$1" ] && exit 5; exit 3; }
            if [ "$2" = recursive ]; then set -- "$1"; else set -- "$1" -maxdepth 1; fi
            if find / -maxdepth 0 -printf '' >/dev/null 2>&1; then
              exec find "$@" -mindepth 1 -printf '%y\\0%s\\0%m\\0%u\\0%g\\0%p\\0'
            fi
            exec find "$@" -mindepth 1 -exec sh -c '
              entry() { printf "%s\\0%s\\0%s\\0%s\\0%s\\0%s\\0" "$t" "$1" "$2" "$3" "$4" "$p"; }
              for p do
                if [ -L "$p" ]; then t=l; elif [ -d "$p" ]; then t=d; elif [ -f "$p" ]; then t=f; else t=o; fi
                s=$(stat -c "%s %a %U %G" -- "$p") || exit 1
                entry $s
              done' sh {} +
            """;

    static final String CREATE_FOLDERS = """
            exec mkdir -p -- "$1"
            """;

    /** $1 path, $2 "recursive" or not. */
    static final String DELETE = """
            [ -e "$1" ] || [ -L "$1" ] || exit 3
            if [ -d "$1" ] && [ ! -L "$1" ]; then
              [ "$2" = recursive ] && exec rm -rf -- "$1"
              for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
                if [ -e "$e" ] || [ -L "$e" ]; then exit 6; fi
              done
              exec rmdir -- "$1"
            fi
            exec rm -f -- "$1"
            """;

    /** $1 source, $2 destination, $3 "overwrite" or not. A folder's content is merged into the destination folder. */
    static final String COPY = """
            [ -e "$1" ] || [ -L "$1" ] || exit 3
            if [ -e "$2" ] || [ -L "$2" ]; then [ "$3" = overwrite ] || exit 4; fi
            if [ -d "$1" ]; then
              mkdir -p -- "$2" || exit 1
              exec cp -af -- "$1/." "$2"
            fi
            if [ -d "$2" ] && [ ! -L "$2" ]; then rmdir -- "$2" || exit 1; fi
            if [ -L "$2" ]; then rm -f -- "$2" || exit 1; fi
            exec cp -af -- "$1" "$2"
            """;

    static final String MOVE = """
            [ -e "$1" ] || [ -L "$1" ] || exit 3
            if [ -e "$2" ] || [ -L "$2" ]; then
              [ "$3" = overwrite ] || exit 4
              [ "$1" -ef "$2" ] && exit 0
              rm -rf -- "$2" || exit 1
            fi
            exec mv -- "$1" "$2"
            """;

    /** $1 path, $2 mode (octal), $3 "recursive" or not. */
    static final String CHMOD = """
            [ -e "$1" ] || [ -L "$1" ] || exit 3
            if [ "$3" = recursive ]; then exec chmod -R -- "$2" "$1"; fi
            exec chmod -- "$2" "$1"
            """;

    /** $1 path, $2 owner[:group] or :group, $3 "recursive" or not; symlinks themselves, never what they point to. */
    static final String CHOWN = """
            [ -e "$1" ] || [ -L "$1" ] || exit 3
            if [ "$3" = recursive ]; then exec chown -R -h -- "$2" "$1"; fi
            exec chown -h -- "$2" "$1"
            """;

    /** $1 the link's target, $2 the link, $3 "force" or not. */
    static final String SYMLINK = """
            if [ -e "$2" ] || [ -L "$2" ]; then
              [ "$3" = force ] || exit 4
              if [ -d "$2" ] && [ ! -L "$2" ]; then rmdir -- "$2" || exit 1; else rm -f -- "$2" || exit 1; fi
            fi
            exec ln -s -- "$1" "$2"
            """;

    static final String MAKE_WORK_FOLDER = """
            exec mktemp -d /tmp/kiln.XXXXXXXXXX
            """;

    /** The work folder again, after a reboot may have emptied /tmp. */
    static final String REMAKE_WORK_FOLDER = """
            exec mkdir -p -m 700 -- "$1"
            """;

    private Scripts() {
    }
}
