package dev.kiln.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** {@link ResourceStore} on the {@code resources} table. */
final class JdbiResourceStore implements ResourceStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VERSION = Pattern.compile("([0-9]+|x)\\.([0-9]+|x)\\.([0-9]+|x)");
    /** Each round of insertNextBuild has one winner, so this bounds the number of concurrent callers. */
    private static final int MAX_BUILD_ATTEMPTS = 1_000;

    private static final String COLUMNS = "arn, account_id, region, type, name, version_major, version_minor,"
            + " version_patch, build, created_at, body";
    private static final String INSERT = "INSERT INTO resources (arn, account_id, region, type, name,"
            + " version_major, version_minor, version_patch, build, version_arn, created_at, body)"
            + " VALUES (:arn, :account, :region, :type, :name, :major, :minor, :patch, :build, :versionArn,"
            + " :createdAt, :body)";
    private static final String ORDER = " ORDER BY version_major DESC NULLS LAST, version_minor DESC NULLS LAST,"
            + " version_patch DESC NULLS LAST, build DESC NULLS LAST, name, arn";

    private final Jdbi jdbi;

    JdbiResourceStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void insert(StoredResource resource) {
        requireComplete(resource);
        Version version = Version.parse(resource.version(), false);
        if (resource.build() != null && version.major() == null) {
            throw new IllegalArgumentException("a build number without a version: " + resource.arn());
        }
        try {
            jdbi.useHandle(h -> insert(h, resource, version, versionArn(resource)));
        } catch (RuntimeException e) {
            if (Sql.isUniqueViolation(e)) {
                throw alreadyExists(resource.arn());
            }
            throw Sql.translate(e);
        }
    }

    @Override
    public StoredResource insertNextBuild(StoredResource withoutBuild) {
        requireComplete(withoutBuild);
        if (withoutBuild.build() != null) {
            throw new IllegalArgumentException("the store numbers builds, but build " + withoutBuild.build()
                    + " was given for " + withoutBuild.arn());
        }
        Version version = Version.parse(withoutBuild.version(), false);
        if (version.major() == null) {
            throw new IllegalArgumentException("only versioned resources have builds: " + withoutBuild.arn());
        }
        String versionArn = withoutBuild.arn();
        try {
            for (int attempt = 0; attempt < MAX_BUILD_ATTEMPTS; attempt++) {
                int build = jdbi.withHandle(h -> h.createQuery(
                                "SELECT COALESCE(MAX(build), 0) + 1 FROM resources WHERE version_arn = :versionArn")
                        .bind("versionArn", versionArn)
                        .mapTo(Integer.class)
                        .one());
                ObjectNode body = withoutBuild.body().deepCopy();
                String arn = versionArn + "/" + build;
                body.put("arn", arn);
                StoredResource stored = new StoredResource(arn, withoutBuild.accountId(), withoutBuild.region(),
                        withoutBuild.type(), withoutBuild.name(), withoutBuild.version(), build,
                        Sql.micros(withoutBuild.createdAt()), body);
                try {
                    jdbi.useHandle(h -> insert(h, stored, version, versionArn));
                    return stored;
                } catch (RuntimeException e) {
                    if (!Sql.isUniqueViolation(e)) {
                        throw e;
                    }
                    // Another caller took this build number first: count again.
                }
            }
        } catch (RuntimeException e) {
            throw Sql.translate(e);
        }
        throw new IllegalStateException("no free build number for " + versionArn + " after "
                + MAX_BUILD_ATTEMPTS + " attempts");
    }

    @Override
    public Optional<StoredResource> get(String arn) {
        Objects.requireNonNull(arn, "arn");
        return Sql.one(jdbi, "SELECT " + COLUMNS + " FROM resources WHERE arn = :arn",
                "arn", arn, JdbiResourceStore::map);
    }

    @Override
    public List<StoredResource> list(ResourceQuery query) {
        Objects.requireNonNull(query.region(), "region");
        Objects.requireNonNull(query.accountId(), "accountId");
        Objects.requireNonNull(query.type(), "type");
        Version version = Version.parse(query.version(), true);
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM resources"
                + " WHERE region = :region AND account_id = :account AND type = :type");
        if (query.name() != null) {
            sql.append(" AND name = :name");
        }
        if (version.major() != null) {
            sql.append(" AND version_major = :major");
        }
        if (version.minor() != null) {
            sql.append(" AND version_minor = :minor");
        }
        if (version.patch() != null) {
            sql.append(" AND version_patch = :patch");
        }
        sql.append(ORDER);
        return jdbi.withHandle(h -> {
            Query q = h.createQuery(sql.toString())
                    .bind("region", query.region())
                    .bind("account", query.accountId())
                    .bind("type", query.type());
            if (query.name() != null) {
                q.bind("name", query.name());
            }
            if (version.major() != null) {
                q.bind("major", version.major());
            }
            if (version.minor() != null) {
                q.bind("minor", version.minor());
            }
            if (version.patch() != null) {
                q.bind("patch", version.patch());
            }
            return q.map(JdbiResourceStore::map).list();
        });
    }

    @Override
    public List<StoredResource> listOfType(String type) {
        Objects.requireNonNull(type, "type");
        return Sql.list(jdbi, "SELECT " + COLUMNS + " FROM resources WHERE type = :type ORDER BY created_at, arn",
                "type", type, JdbiResourceStore::map);
    }

    @Override
    public boolean update(StoredResource resource) {
        Objects.requireNonNull(resource.arn(), "arn");
        Objects.requireNonNull(resource.body(), "body");
        try {
            return jdbi.withHandle(h -> h.createUpdate("UPDATE resources SET body = :body WHERE arn = :arn")
                    .bind("arn", resource.arn())
                    .bind("body", write(resource.body()))
                    .execute()) > 0;
        } catch (RuntimeException e) {
            throw Sql.translate(e);
        }
    }

    @Override
    public Optional<StoredResource> modify(String arn, UnaryOperator<ObjectNode> change) {
        Objects.requireNonNull(arn, "arn");
        try {
            return jdbi.inTransaction(h -> {
                // FOR UPDATE: a second modify of the same resource waits here until this one commits.
                Optional<StoredResource> current = h.createQuery("SELECT " + COLUMNS + " FROM resources WHERE arn = :arn"
                                + " FOR UPDATE")
                        .bind("arn", arn)
                        .map(JdbiResourceStore::map)
                        .findOne();
                if (current.isEmpty()) {
                    return current;
                }
                ObjectNode changed = change.apply(current.get().body().deepCopy());
                if (changed == null) {
                    return current;
                }
                h.createUpdate("UPDATE resources SET body = :body WHERE arn = :arn")
                        .bind("arn", arn)
                        .bind("body", write(changed))
                        .execute();
                return Optional.of(current.get().withBody(changed));
            });
        } catch (RuntimeException e) {
            // What the change threw passes through as it is.
            throw Sql.translate(e);
        }
    }

    @Override
    public boolean delete(String arn) {
        Objects.requireNonNull(arn, "arn");
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM resources WHERE arn = :arn")
                .bind("arn", arn)
                .execute()) > 0;
    }

    private static void insert(Handle h, StoredResource r, Version version, String versionArn) {
        h.createUpdate(INSERT)
                .bind("arn", r.arn())
                .bind("account", r.accountId())
                .bind("region", r.region())
                .bind("type", r.type())
                .bind("name", r.name())
                .bind("major", version.major())
                .bind("minor", version.minor())
                .bind("patch", version.patch())
                .bind("build", r.build())
                .bind("versionArn", versionArn)
                .bind("createdAt", Sql.timestamp(r.createdAt()))
                .bind("body", write(r.body()))
                .execute();
    }

    /** The ARN up to the version: what builds are counted under. */
    private static String versionArn(StoredResource r) {
        if (r.version() == null) {
            return null;
        }
        if (r.build() == null) {
            return r.arn();
        }
        String suffix = "/" + r.build();
        if (!r.arn().endsWith(suffix)) {
            throw new IllegalArgumentException("build " + r.build() + " is not the end of the ARN " + r.arn());
        }
        return r.arn().substring(0, r.arn().length() - suffix.length());
    }

    private static void requireComplete(StoredResource r) {
        Objects.requireNonNull(r.arn(), "arn");
        Objects.requireNonNull(r.accountId(), "accountId");
        Objects.requireNonNull(r.region(), "region");
        Objects.requireNonNull(r.type(), "type");
        Objects.requireNonNull(r.name(), "name");
        Objects.requireNonNull(r.createdAt(), "createdAt");
        Objects.requireNonNull(r.body(), "body");
    }

    private static ApiException alreadyExists(String arn) {
        return new ApiException(ErrorType.ResourceAlreadyExistsException,
                "The resource ARN '" + arn + "' already exists.");
    }

    private static StoredResource map(ResultSet rs, StatementContext ctx) throws SQLException {
        Integer major = Sql.integer(rs, "version_major");
        String version = major == null ? null
                : major + "." + rs.getInt("version_minor") + "." + rs.getInt("version_patch");
        return new StoredResource(rs.getString("arn"), rs.getString("account_id"), rs.getString("region"),
                rs.getString("type"), rs.getString("name"), version, Sql.integer(rs, "build"),
                Sql.instant(rs, "created_at"), read(rs.getString("body")));
    }

    private static String write(ObjectNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a resource body as JSON", e);
        }
    }

    private static ObjectNode read(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw new IllegalStateException("a stored resource body is not a JSON object");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored resource body is not JSON", e);
        }
    }

    /** A semantic version as three numbers; a null node is any (an x in a query, or no version at all). */
    private record Version(Integer major, Integer minor, Integer patch) {
        static Version parse(String text, boolean wildcards) {
            if (text == null) {
                return new Version(null, null, null);
            }
            Matcher m = VERSION.matcher(text);
            if (!m.matches()) {
                throw new ApiException(ErrorType.InvalidVersionNumberException,
                        "The version '" + text + "' is not <major>.<minor>.<patch>.");
            }
            Integer[] nodes = new Integer[3];
            boolean wild = false;
            for (int i = 0; i < 3; i++) {
                String node = m.group(i + 1);
                if (node.equals("x")) {
                    if (!wildcards) {
                        throw new ApiException(ErrorType.InvalidVersionNumberException,
                                "The version '" + text + "' has a wildcard where a number is required.");
                    }
                    wild = true;
                } else if (wild) {
                    throw new ApiException(ErrorType.InvalidVersionNumberException, "The version '" + text
                            + "' is invalid: every node to the right of a wildcard must be a wildcard.");
                } else {
                    try {
                        nodes[i] = Integer.parseInt(node);
                    } catch (NumberFormatException e) {
                        throw new ApiException(ErrorType.InvalidVersionNumberException,
                                "The version '" + text + "' has a node larger than " + Integer.MAX_VALUE + ".");
                    }
                }
            }
            return new Version(nodes[0], nodes[1], nodes[2]);
        }
    }
}
