package io.chunkstore.cli.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.chunkstore.local.FilesystemObjectClient;
import io.chunkstore.s3.S3Config;
import io.chunkstore.s3.S3ObjectClient;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.ObjectClient;
import io.chunkstore.spi.support.ConfigBinder;
import io.chunkstore.spi.support.ConfigKey;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The destination of {@code convert blocks}: Cortex's {@code blocks_storage:} block
 * (cortexproject/cortex {@code pkg/storage/bucket/config.go} and {@code s3/config.go}; Mimir's has
 * the same keys), of which the {@code filesystem} and {@code s3} backends are opened here through
 * the project's object clients. A whole Cortex config file may be given; only its {@code
 * blocks_storage:} block is read.
 *
 * @param backend {@code filesystem} or {@code s3}
 * @param s3 the S3 bucket
 * @param filesystem the folder
 * @param tsdb accepted (the ingesters' settings), unused
 * @param bucketStore accepted (the store-gateway's settings), unused
 * @param gcs accepted; no GCS object client exists yet, so backend gcs is refused
 * @param azure accepted; backend azure is refused
 * @param swift accepted; backend swift is refused
 */
public record BlocksStorageConfig(
        @ConfigKey(
                        value = "backend",
                        dflt = "s3",
                        oneOf = {"s3", "filesystem"},
                        doc = "Where blocks go: s3 (Cortex's default) or filesystem.")
                String backend,
        @ConfigKey(value = "s3", doc = "The S3 bucket (Cortex's blocks_storage.s3).") S3 s3,
        @ConfigKey(value = "filesystem", doc = "The folder (blocks_storage.filesystem).")
                Filesystem filesystem,
        @ConfigKey(value = "tsdb", doc = "Accepted, unused.") Object tsdb,
        @ConfigKey(value = "bucket_store", doc = "Accepted, unused.") Object bucketStore,
        @ConfigKey(value = "gcs", doc = "Accepted, unused.") Object gcs,
        @ConfigKey(value = "azure", doc = "Accepted, unused.") Object azure,
        @ConfigKey(value = "swift", doc = "Accepted, unused.") Object swift) {

    /** The config's path in messages. */
    public static final String BLOCK = "blocks_storage";

    /**
     * {@code blocks_storage.s3}.
     *
     * @param endpoint host[:port] of an S3-compatible store; empty for AWS
     * @param region signing region
     * @param bucketName the bucket
     * @param accessKeyId static credentials, or empty for the AWS default chain
     * @param secretAccessKey their secret
     * @param insecure plain http to the endpoint
     * @param signatureVersion only v4
     * @param bucketLookupType auto, virtual-hosted or path
     * @param sse accepted, unused
     * @param http accepted, unused
     */
    public record S3(
            @ConfigKey(
                            value = "endpoint",
                            doc = "host[:port] of an S3-compatible store; empty for AWS.")
                    String endpoint,
            @ConfigKey(
                            value = "region",
                            doc = "Signing region (us-east-1 with an endpoint when empty).")
                    String region,
            @ConfigKey(value = "bucket_name", doc = "The bucket.") String bucketName,
            @ConfigKey(
                            value = "access_key_id",
                            doc = "Static credentials; empty for the AWS default chain.")
                    String accessKeyId,
            @ConfigKey(value = "secret_access_key", doc = "Secret of the static credentials.")
                    String secretAccessKey,
            @ConfigKey(value = "insecure", doc = "Plain http to the endpoint.") boolean insecure,
            @ConfigKey(
                            value = "signature_version",
                            dflt = "v4",
                            oneOf = {"v4"},
                            doc = "Only v4.")
                    String signatureVersion,
            @ConfigKey(
                            value = "bucket_lookup_type",
                            dflt = "auto",
                            oneOf = {"auto", "virtual-hosted", "path"},
                            doc =
                                    "Path-style (path, or auto with an endpoint) or virtual-hosted URLs.")
                    String bucketLookupType,
            @ConfigKey(value = "sse", doc = "Accepted, unused.") Object sse,
            @ConfigKey(value = "http", doc = "Accepted, unused.") Object http) {}

    /**
     * {@code blocks_storage.filesystem}.
     *
     * @param dir the folder blocks go to
     */
    public record Filesystem(
            @ConfigKey(value = "dir", doc = "The folder blocks go to.") String dir) {}

    /**
     * Reads {@code blocks_storage:} from a YAML file.
     *
     * @throws ConfigException naming the key that is missing or wrong
     */
    public static BlocksStorageConfig load(Path file) {
        Object root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Object.class);
        } catch (IOException e) {
            throw new ConfigException(
                    "cannot read --dest-config " + file + ": " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> m) || !(m.get(BLOCK) instanceof Map)) {
            throw new ConfigException(
                    "--dest-config "
                            + file
                            + " has no blocks_storage: block (Cortex's shape: blocks_storage: {backend:"
                            + " filesystem, filesystem: {dir: /path}} or backend: s3 with s3: {bucket_name: ...,"
                            + " endpoint: ...})");
        }
        return ConfigBinder.bind(BlocksStorageConfig.class, m.get(BLOCK), BLOCK);
    }

    /** Where blocks go, for messages (never credentials). */
    public String describe() {
        return backend.equals("filesystem")
                ? "filesystem " + filesystem.dir()
                : "s3 bucket "
                        + s3.bucketName()
                        + (s3.endpoint().isEmpty() ? "" : " at " + s3.endpoint());
    }

    /** Opens the destination's object client. */
    public ObjectClient open() {
        if (backend.equals("filesystem")) {
            if (filesystem.dir().isBlank()) {
                throw new ConfigException(
                        "blocks_storage.filesystem.dir is needed with backend: filesystem");
            }
            return new FilesystemObjectClient(Path.of(filesystem.dir()), true);
        }
        if (s3.bucketName().isBlank()) {
            throw new ConfigException("blocks_storage.s3.bucket_name is needed with backend: s3");
        }
        URI endpoint =
                s3.endpoint().isBlank()
                        ? null
                        : URI.create((s3.insecure() ? "http://" : "https://") + s3.endpoint());
        String region =
                !s3.region().isBlank()
                        ? s3.region()
                        : endpoint != null ? S3Config.DEFAULT_ENDPOINT_REGION : null;
        boolean pathStyle =
                s3.bucketLookupType().equals("path")
                        || (s3.bucketLookupType().equals("auto") && endpoint != null);
        S3Config c =
                S3Config.of(
                        s3.bucketName(),
                        endpoint,
                        region,
                        s3.accessKeyId().isEmpty() ? null : s3.accessKeyId(),
                        s3.secretAccessKey().isEmpty() ? null : s3.secretAccessKey(),
                        pathStyle);
        return S3ObjectClient.create(c);
    }
}
