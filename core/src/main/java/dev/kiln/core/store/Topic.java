package dev.kiln.core.store;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A Kiln topic: what an infrastructure configuration's {@code snsTopicArn} names. It delivers image state
 * changes to its subscriptions.
 *
 * @param arn {@code arn:aws:sns:<region>:<account>:<name>}
 */
public record Topic(String arn, String region, String accountId, String name, Instant createdAt) {
    /** What SNS (and so Image Builder's snsTopicArn) accepts as a topic name. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,256}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    /**
     * The ARN of a topic.
     *
     * @throws IllegalArgumentException naming what is wrong with the region, account or name
     */
    public static String arn(String region, String accountId, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a topic name is 1 to 256 letters, digits, '-' or '_': " + name);
        }
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("not a region name (e.g. us-east-1): " + region);
        }
        if (accountId == null || !ACCOUNT.matcher(accountId).matches()) {
            throw new IllegalArgumentException("an account id is 12 digits: " + accountId);
        }
        return "arn:aws:sns:" + region + ":" + accountId + ":" + name;
    }
}
