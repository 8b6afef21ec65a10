package dev.kiln.toe.action.s3;

/** One object in a bucket listing. */
public record S3Object(String key, long size) {
}
