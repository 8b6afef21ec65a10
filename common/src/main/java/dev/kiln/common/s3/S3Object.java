package dev.kiln.common.s3;

/** One object in a bucket listing. */
public record S3Object(String key, long size) {
}
