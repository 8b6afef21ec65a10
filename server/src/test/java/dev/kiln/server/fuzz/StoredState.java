package dev.kiln.server.fuzz;

import static dev.kiln.server.fuzz.JsonBits.bytes;
import static dev.kiln.server.fuzz.JsonBits.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a server has stored, seen two ways, to tell that a refused request changed nothing: a digest of
 * the database's rows (through a connection of the test's own) and how many resources the List
 * operations list (through the API).
 */
public final class StoredState {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection db;
    private final RawClient client;

    public StoredState(Connection db, RawClient client) {
        this.db = db;
        this.client = client;
    }

    /** A digest of every resource row and every remembered clientToken. */
    public String digest() throws SQLException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (Statement s = db.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT arn, body FROM resources ORDER BY arn")) {
                while (rs.next()) {
                    digest.update(bytes(rs.getString(1) + "\u0001" + rs.getString(2) + "\u0002"));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT account_id, region, operation, client_token, request_hash"
                    + " FROM idempotency ORDER BY account_id, region, operation, client_token")) {
                while (rs.next()) {
                    for (int i = 1; i <= 5; i++) {
                        digest.update(bytes(rs.getString(i) + "\u0001"));
                    }
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** How many resources of each kind the List operations list (following nextToken). */
    public Map<String, Integer> listedCounts() throws IOException {
        Map<String, String> lists = new LinkedHashMap<>();
        lists.put("ListComponents", "componentVersionList");
        lists.put("ListImageRecipes", "imageRecipeSummaryList");
        lists.put("ListContainerRecipes", "containerRecipeSummaryList");
        lists.put("ListInfrastructureConfigurations", "infrastructureConfigurationSummaryList");
        lists.put("ListDistributionConfigurations", "distributionConfigurationSummaryList");
        lists.put("ListImagePipelines", "imagePipelineList");
        lists.put("ListImages", "imageVersionList");
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : lists.entrySet()) {
            int n = 0;
            String token = null;
            do {
                ObjectNode body = obj().put("maxResults", 25);
                if (token != null) {
                    body.put("nextToken", token);
                }
                RawAnswer a = client.send(RawRequest.of(ModelShapes.operation(e.getKey()), "count", "", Map.of(), null,
                        bytes(body.toString())));
                if (a.status() != 200) {
                    throw new AssertionError(e.getKey() + ": expected 200, got " + a.text());
                }
                JsonNode out = JSON.readTree(a.body());
                n += out.path(e.getValue()).size();
                token = out.path("nextToken").asText(null);
            } while (token != null);
            counts.put(e.getKey(), n);
        }
        return counts;
    }
}
