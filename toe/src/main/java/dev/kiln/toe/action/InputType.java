package dev.kiln.toe.action;

/** The type of one action input, as the validator checks it before any step runs. */
public enum InputType {
    /** Any scalar, read as its text ({@code 1} is "1"). */
    STRING,
    BOOLEAN,
    INTEGER,
    /** A list of scalars. */
    STRING_LIST,
    /** An octal file mode, "0755" or an unquoted 0755, which AWSTOE reads as octal. */
    PERMISSIONS,
    /** A text encoding name AWSTOE accepts (utf8, utf-16-LE, ...). */
    ENCODING,
    /** A checksum algorithm: MD5, SHA1, SHA256 or SHA512. */
    HASH_ALGORITHM,
    /** ExecuteDocument's parameters: a list of {name, value}. */
    NAME_VALUE_LIST,
    /** A mapping of names to scalars. */
    STRING_MAP,
    /** Anything (Windows-only inputs whose inner shape Kiln does not check). */
    ANY
}
