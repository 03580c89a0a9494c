package io.chunkstore.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.chunkstore.core.model.TenantIds;
import io.chunkstore.grpc.TokenCheck;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.InvalidRequestException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credentials {@code chunkstore serve} accepts, read from a file ({@code --auth-file}) so no
 * secret is on a command line, in a process list or in a log:
 *
 * <pre>
 * credentials:
 *   - name: querier                  # shown in logs, never the secret
 *     token: "at least 16 characters" # HTTP: Authorization: Bearer ...; gRPC: metadata authorization: Bearer ...
 *   - name: grafana
 *     username: grafana               # HTTP basic auth
 *     password: "at least 16 characters"
 *     tenants: [team-a, team-b]       # the X-Scope-OrgID values it may read; default: every tenant
 * </pre>
 *
 * <p>A presented secret is compared with every credential's, each through SHA-256 and {@link
 * MessageDigest#isEqual}, without stopping at a match: how long the answer takes says nothing about
 * which secret or how much of it was right. A credential limited to some tenants is refused on the
 * gRPC port, whose protocol names no tenant for most calls (a Cortex or Loki querier reads every
 * tenant through it).
 */
public final class Credentials {
    private static final Logger LOG = LoggerFactory.getLogger(Credentials.class);

    /** The shortest token or password accepted. */
    public static final int MIN_SECRET_LENGTH = 16;

    /**
     * One credential: its name and the tenants it may read (empty: every tenant).
     *
     * @param name the name logs show
     * @param tenants the tenants it may read on HTTP; empty for every tenant
     */
    public record Credential(String name, Set<String> tenants) {
        public Credential {
            tenants = Set.copyOf(tenants);
        }

        /** Whether it may read {@code tenant}. */
        public boolean mayRead(String tenant) {
            return tenants.isEmpty() || tenants.contains(tenant);
        }
    }

    private record Entry(Credential credential, byte[] tokenHash, byte[] basicHash) {}

    private static final byte[] NO_HASH = new byte[32];

    private final List<Entry> entries;
    private final Path source;

    private Credentials(List<Entry> entries, Path source) {
        this.entries = List.copyOf(entries);
        this.source = source;
    }

    /**
     * Reads a credentials file.
     *
     * @throws ConfigException naming the file and the key path of what is wrong
     */
    public static Credentials load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException("credentials file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException(
                    "cannot read credentials file " + file + ": " + e.getMessage(), e);
        }
        warnIfOthersCanRead(file);
        return parse(root, file);
    }

    static Credentials parse(JsonNode root, Path file) {
        String where = "credentials file " + file + ": ";
        if (root == null || !root.isObject()) {
            throw new ConfigException(where + "expected a map with a 'credentials:' list");
        }
        expectOnly(root, Set.of("credentials"), where, "");
        JsonNode list = root.get("credentials");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new ConfigException(where + "'credentials' must be a non-empty list");
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> users = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            String at = "credentials[" + i + "]";
            if (!c.isObject()) {
                throw new ConfigException(where + at + " must be a map");
            }
            expectOnly(
                    c, Set.of("name", "token", "username", "password", "tenants"), where, at + ".");
            String name = text(c, "name", where, at);
            if (name == null || name.isBlank()) {
                throw new ConfigException(where + at + ".name is required (logs show it)");
            }
            if (!names.add(name)) {
                throw new ConfigException(where + at + ".name '" + name + "' is used twice");
            }
            String token = text(c, "token", where, at);
            String user = text(c, "username", where, at);
            String password = text(c, "password", where, at);
            if ((user == null) != (password == null)) {
                throw new ConfigException(
                        where + at + " ('" + name + "'): username and password go together");
            }
            if ((token == null) == (user == null)) {
                throw new ConfigException(
                        where
                                + at
                                + " ('"
                                + name
                                + "'): give either a token or a username and password");
            }
            String secret = token != null ? token : password;
            if (secret.length() < MIN_SECRET_LENGTH) {
                throw new ConfigException(
                        where
                                + at
                                + "."
                                + (token != null ? "token" : "password")
                                + " ('"
                                + name
                                + "') is shorter than "
                                + MIN_SECRET_LENGTH
                                + " characters; use a long random secret (e.g. openssl rand -hex 32)");
            }
            if (user != null && (user.isEmpty() || user.contains(":"))) {
                throw new ConfigException(
                        where + at + ".username ('" + name + "') must be non-empty without ':'");
            }
            if (user != null && !users.add(user)) {
                throw new ConfigException(where + at + ".username '" + user + "' is used twice");
            }
            Set<String> tenants = new LinkedHashSet<>();
            JsonNode t = c.get("tenants");
            if (t != null && !t.isNull()) {
                if (!t.isArray()) {
                    throw new ConfigException(where + at + ".tenants must be a list of tenant ids");
                }
                for (JsonNode v : t) {
                    try {
                        tenants.add(TenantIds.validate(v.asText()));
                    } catch (InvalidRequestException e) {
                        throw new ConfigException(where + at + ".tenants: " + e.getMessage());
                    }
                }
                if (tenants.isEmpty()) {
                    throw new ConfigException(
                            where + at + ".tenants is empty: leave it out for every tenant");
                }
            }
            entries.add(
                    new Entry(
                            new Credential(name, tenants),
                            token == null ? null : sha256(token),
                            user == null ? null : sha256(user + ":" + password)));
        }
        return new Credentials(entries, file);
    }

    private static void expectOnly(JsonNode node, Set<String> keys, String where, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) {
                throw new ConfigException(
                        where
                                + "unknown key "
                                + prefix
                                + k
                                + " (known: "
                                + String.join(", ", keys.stream().sorted().toList())
                                + ")");
            }
        }
    }

    private static String text(JsonNode c, String key, String where, String at) {
        JsonNode v = c.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ConfigException(where + at + "." + key + " must be a string (quote it)");
        }
        return v.asText();
    }

    private static void warnIfOthersCanRead(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.OTHERS_READ)
                    || p.contains(PosixFilePermission.GROUP_READ)) {
                LOG.warn("credentials file {} is readable by other users; chmod 600 it", file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to check.
        }
    }

    /** The file the credentials came from. */
    public Path source() {
        return source;
    }

    /** How many credentials there are (for the start banner; never the secrets). */
    public int size() {
        return entries.size();
    }

    /** The credential whose token is {@code token}. */
    public Optional<Credential> bearer(String token) {
        byte[] h = sha256(token);
        Credential found = null;
        for (Entry e : entries) {
            boolean match = MessageDigest.isEqual(h, e.tokenHash == null ? NO_HASH : e.tokenHash);
            if (match && e.tokenHash != null && found == null) {
                found = e.credential;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The credential with this username and password (HTTP basic auth). */
    public Optional<Credential> basic(String username, String password) {
        byte[] h = sha256(username + ":" + password);
        Credential found = null;
        for (Entry e : entries) {
            boolean match = MessageDigest.isEqual(h, e.basicHash == null ? NO_HASH : e.basicHash);
            if (match && e.basicHash != null && found == null) {
                found = e.credential;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * The credential of an HTTP {@code Authorization} header ({@code Bearer <token>} or {@code
     * Basic <base64(user:password)>}), or empty.
     */
    public Optional<Credential> ofAuthorizationHeader(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.strip();
        if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return bearer(h.substring(7).strip());
        }
        if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded =
                        new String(
                                Base64.getDecoder().decode(h.substring(6).strip()),
                                StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            return basic(decoded.substring(0, colon), decoded.substring(colon + 1));
        }
        return Optional.empty();
    }

    /**
     * The tokens the gRPC port accepts: those of credentials with every tenant (the gRPC protocol
     * names no tenant for most calls).
     */
    public TokenCheck grpcTokens() {
        return token -> bearer(token).filter(c -> c.tenants().isEmpty()).map(Credential::name);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Names only: never a secret. */
    @Override
    public String toString() {
        return "Credentials"
                + entries.stream().map(e -> e.credential.name()).toList()
                + " from "
                + source;
    }
}
