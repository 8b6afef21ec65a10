package dev.kiln.toe.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The run summary awstoe prints: status is {@code success} or {@code failed}; a run whose only failures
 * were ignored is a success with {@code ignoredFailedStepCount > 0}. {@code rebootPending} means the
 * run stopped for a reboot and resumes when run again with the same state directory.
 */
@JsonPropertyOrder({"executionId", "status", "failedStepCount", "executedStepCount", "ignoredFailedStepCount",
        "failureMessage", "logUrl"})
public record RunSummary(String executionId, String status, int failedStepCount, int executedStepCount,
                         int ignoredFailedStepCount, String failureMessage, String logUrl,
                         @JsonIgnore boolean rebootPending) {

    public static final String SUCCESS = "success";
    public static final String FAILED = "failed";

    @JsonIgnore
    public boolean succeeded() {
        return SUCCESS.equals(status) && !rebootPending;
    }
}
