package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.bigtable.BigtableConfig;
import io.chunkstore.cassandra.CassandraConfig;
import io.chunkstore.core.config.LimitsConfig;
import io.chunkstore.core.config.StorageSettings;
import io.chunkstore.core.tables.TableManagerConfig;
import io.chunkstore.dynamodb.DynamoConfig;
import io.chunkstore.local.LocalConfig;
import io.chunkstore.s3.S3Config;
import io.chunkstore.spi.support.ConfigBinder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is generated from the config records' {@code @ConfigKey}s (via {@link
 * ConfigBinder#describe}), so it lists every key the binder accepts with its real default. This
 * test renders it and fails when the committed file differs; run it with {@code
 * -Dchunkstore.writeConfigDoc=true} to rewrite the file.
 */
class ConfigurationDocTest {
    static final String REFRESH =
            "mvn -B -ntp -o -pl cli -am test -Dtest=ConfigurationDocTest"
                    + " -Dsurefire.failIfNoSpecifiedTests=false -Dchunkstore.writeConfigDoc=true";

    /** One bound block: where it sits in a Cortex and a Loki config, what it is, and its record. */
    record Section(
            String cortexPath, String lokiPath, String about, Class<? extends Record> type) {}

    static final List<Section> SECTIONS =
            List.of(
                    new Section(
                            "limits",
                            "limits_config",
                            "The limits chunkstore enforces on queries. The block's other"
                                    + " keys configure Cortex and Loki components chunkstore does not run and are accepted unread;"
                                    + " a key so close to one below that it must be a misspelling is refused.",
                            LimitsConfig.class),
                    new Section(
                            "storage",
                            "storage_config",
                            "The top of the storage block: the keys core reads. The other"
                                    + " keys are the backends' blocks below, or keys of Cortex and Loki components chunkstore does"
                                    + " not run (accepted unread, misspellings of the keys below refused).",
                            StorageSettings.class),
                    new Section(
                            "table_manager",
                            "table_manager",
                            "The table manager (`chunkstore tables`, `chunkstore"
                                    + " serve --table-manager`): Cortex's TableManagerConfig.",
                            TableManagerConfig.class),
                    new Section(
                            "storage.cassandra",
                            "storage_config.cassandra",
                            "Store `cassandra`.",
                            CassandraConfig.class),
                    new Section(
                            "storage.bigtable",
                            "storage_config.bigtable",
                            "Stores `bigtable`, `bigtable-hashed`, `gcp` and `gcp-columnkey`.",
                            BigtableConfig.Block.class),
                    new Section(
                            "storage.aws.dynamodb",
                            "storage_config.aws.dynamodb",
                            "Stores `aws-dynamo` and `aws` (the"
                                    + " index; `aws` keeps its chunks in S3).",
                            DynamoConfig.Block.class),
                    new Section(
                            "storage.aws",
                            "storage_config.aws (or storage_config.s3)",
                            "Store `s3` and the chunks of"
                                    + " `aws`: Cortex's and Loki's S3 keys, in the aws: block (beside its dynamodb: block) or in"
                                    + " Loki's s3: block, not both.",
                            S3Config.Block.class),
                    new Section(
                            "storage.local",
                            "storage_config.local",
                            "Store `local`: chunkstore's embedded store (a"
                                    + " RocksDB index and chunk files).",
                            LocalConfig.Block.class),
                    new Section(
                            "storage.filesystem",
                            "storage_config.filesystem",
                            "Store `filesystem`: chunks only, in"
                                    + " Cortex's and Loki's directory layout.",
                            LocalConfig.Filesystem.class));

    static String render() {
        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n")
                .append(
                        "<!-- Generated by cli's ConfigurationDocTest from the config records; do not edit. To"
                                + " refresh:\n     ")
                .append(REFRESH)
                .append(" -->\n\n")
                .append(
                        "chunkstore reads the Cortex or Loki YAML you already have: the schema (`schema:`,"
                                + " `schema_config:` or a schema file's `configs:`) and the blocks below. Sections of"
                                + " components chunkstore does not run (`ingester:`, `distributor:`, `server:`, ...) are"
                                + " accepted and ignored. Inside a block chunkstore reads, an unknown key is an error that"
                                + " names its full path and the closest known key.\n\n")
                .append("Every block follows the same rules:\n\n")
                .append(
                        "- **duration**: Go's form (`ns`, `us`, `ms`, `s`, `m`, `h`, fractions allowed: `1.5h`,"
                                + " `1m30s`) plus Prometheus' `d`, `w` and `y` (`7d`, `1w`); `0` alone is zero; any other"
                                + " bare number is an error, since its unit would be a guess. Never negative.\n")
                .append(
                        "- **bytes**: a number of bytes, or a number with a unit of powers of 1024 (`64KB`,"
                                + " `1.5MiB`, `2GB`; `KB` and `KiB` alike), as Cortex and Loki write sizes.\n")
                .append(
                        "- **boolean**: `true` or `false` (also quoted, in any case); nothing else.\n")
                .append(
                        "- **int**: a whole number, also quoted (`\"8\"`); **number**: any number.\n")
                .append("- **list of strings**: a YAML list, or one comma-separated string.\n")
                .append("- A key without a value (`key:`) takes its default.\n\n")
                .append(
                        "Keys marked *chunkstore* in their description are chunkstore's own; the others keep"
                                + " Cortex's and Loki's names and defaults.\n");
        for (Section s : SECTIONS) {
            md.append("\n## ")
                    .append(
                            s.cortexPath().equals(s.lokiPath())
                                    ? "`" + s.cortexPath() + "`"
                                    : "`"
                                            + s.cortexPath()
                                            + "` (Cortex) / `"
                                            + s.lokiPath()
                                            + "` (Loki)")
                    .append("\n\n");
            md.append(s.about()).append("\n\n");
            md.append("| key | kind | default | description |\n|---|---|---|---|\n");
            for (ConfigBinder.KeyDoc k : ConfigBinder.describe(s.type())) {
                md.append("| `")
                        .append(k.key())
                        .append("` | ")
                        .append(k.kind())
                        .append(" | ")
                        .append(shownDefault(k))
                        .append(" | ")
                        .append(k.description().replace("|", "\\|"))
                        .append(" |\n");
            }
        }
        return md.toString();
    }

    private static String shownDefault(ConfigBinder.KeyDoc k) {
        if (!k.dflt().isEmpty()) {
            return "`" + k.dflt() + "`";
        }
        return switch (k.kind()) {
            case "string" -> "`\"\"`";
            case "int", "number", "bytes" -> "`0`";
            case "boolean" -> "`false`";
            case "duration" -> "`0s`";
            case "list of strings" -> "`[]`";
            case "block", "any" -> "";
            default -> k.kind().startsWith("map") ? "`{}`" : "";
        };
    }

    @Test
    void theCommittedReferenceIsCurrent() throws IOException {
        Path doc = Path.of("..", "docs", "configuration.md").toAbsolutePath().normalize();
        String expected = render();
        if (Boolean.getBoolean("chunkstore.writeConfigDoc")) {
            Files.writeString(doc, expected, StandardCharsets.UTF_8);
        }
        String committed = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
        assertThat(committed)
                .as(
                        "docs/configuration.md is stale: a config record's keys changed. Refresh it"
                                + " with:\n  "
                                + REFRESH
                                + "\n")
                .isEqualTo(expected);
    }

    /**
     * The reference lists every key of every block, so a key added to a record cannot be left
     * undocumented.
     */
    @Test
    void everyKeyOfEveryBlockIsListed() {
        String md = render();
        for (Section s : SECTIONS) {
            for (String key : ConfigBinder.keys(s.type())) {
                assertThat(md).contains("| `" + key + "` |");
            }
        }
        assertThat(md).contains("| `backoff_config.max_period` | duration | `50s` |");
    }
}
