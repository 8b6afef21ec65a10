package dev.kiln.common.s3;

/** A bucket and a key (possibly empty), written {@code s3://bucket/key}. */
public record S3Location(String bucket, String key) {

    public static S3Location parse(String uri) throws S3Exception {
        String text = uri.trim();
        if (!text.regionMatches(true, 0, "s3://", 0, 5)) {
            throw new S3Exception("'" + uri + "' is not an S3 URL (s3://bucket/key)");
        }
        String rest = text.substring(5);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (bucket.isEmpty()) {
            throw new S3Exception("'" + uri + "' names no bucket (s3://bucket/key)");
        }
        return new S3Location(bucket, slash < 0 ? "" : rest.substring(slash + 1));
    }

    /** The same bucket with another key. */
    public S3Location withKey(String newKey) {
        return new S3Location(bucket, newKey);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
