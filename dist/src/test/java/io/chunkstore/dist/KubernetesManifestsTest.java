package io.chunkstore.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every manifest under deploy/kubernetes against the Kubernetes JSON schemas (vendored in
 * src/test/resources/kubernetes-schema, see its README for where they come from), strictly: an
 * unknown or misspelled field, a field in the wrong place or a wrong type fails. Then what the
 * schemas cannot say: probes on /ready, serve listening beyond loopback, the Indexed Jobs.
 */
class KubernetesManifestsTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    /** apiVersion/kind to the schema definition that describes it. */
    static final Map<String, String> KINDS =
            Map.of(
                    "v1/ConfigMap", "kubernetes_core_ConfigMap",
                    "v1/Secret", "kubernetes_core_Secret",
                    "v1/Service", "kubernetes_core_Service",
                    "v1/PersistentVolumeClaim", "kubernetes_core_PersistentVolumeClaim",
                    "apps/v1/StatefulSet", "kubernetes_apps_StatefulSet",
                    "batch/v1/Job", "kubernetes_batch_v1_Job");

    static ObjectNode definitions;

    @BeforeAll
    static void loadSchemas() throws IOException {
        definitions = JsonNodeFactory.instance.objectNode();
        for (String file :
                List.of(
                        "kubernetes-model-apps-6.13.4.json",
                        "kubernetes-model-batch-6.13.4.json")) {
            try (InputStream in =
                    KubernetesManifestsTest.class.getResourceAsStream(
                            "/kubernetes-schema/" + file)) {
                JsonNode defs = JSON.readTree(in).get("definitions");
                for (Map.Entry<String, JsonNode> e : defs.properties()) {
                    if (!definitions.has(e.getKey())) {
                        definitions.set(e.getKey(), e.getValue().deepCopy());
                    }
                }
            }
        }
        strict(definitions);
    }

    /**
     * The vendored schemas read strictly (their README says why): object types refuse unknown
     * properties, fabric8's draft-3 {@code "required": true} marks are dropped, and IntOrString and
     * Quantity take their wire forms.
     */
    static void strict(ObjectNode defs) {
        List<String> names = new ArrayList<>();
        defs.properties().forEach(e -> names.add(e.getKey()));
        for (String name : names) {
            if (name.endsWith("IntOrString")) {
                defs.set(name, JSON.createObjectNode().set("type", types("integer", "string")));
            } else if (name.endsWith("resource_Quantity")) {
                defs.set(name, JSON.createObjectNode().set("type", types("string", "number")));
            } else {
                strictObject((ObjectNode) defs.get(name));
            }
        }
    }

    private static void strictObject(ObjectNode schema) {
        JsonNode props = schema.get("properties");
        if (props instanceof ObjectNode p && p.size() > 0) {
            p.properties()
                    .forEach(
                            f -> {
                                if (f.getValue() instanceof ObjectNode prop) {
                                    // fabric8 marks only apiVersion and kind "required": true
                                    // (draft 3), on
                                    // embedded objects too, where Kubernetes does not need them;
                                    // the top
                                    // level's are checked by errors().
                                    prop.remove("required");
                                    strictObject(prop);
                                }
                            });
            schema.put("additionalProperties", false);
        }
        if (schema.get("items") instanceof ObjectNode items) {
            strictObject(items);
        }
    }

    private static ArrayNode types(String... names) {
        ArrayNode a = JSON.createArrayNode();
        for (String n : names) {
            a.add(n);
        }
        return a;
    }

    static JsonSchema schemaOf(String definition) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "http://json-schema.org/draft-07/schema#");
        root.set("definitions", definitions);
        root.put("$ref", "#/definitions/" + definition);
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(root);
    }

    static List<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.list(Repo.path("deploy/kubernetes"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static Set<String> errors(JsonNode doc) {
        assertThat(doc.path("apiVersion").isTextual() && doc.path("kind").isTextual())
                .as("apiVersion and kind of " + doc)
                .isTrue();
        String kind = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
        String def = KINDS.get(kind);
        assertThat(def).as("a schema for " + kind).isNotNull();
        return schemaOf(def).validate(doc).stream()
                .map(ValidationMessage::getMessage)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    @Test
    void everyManifestIsValid() throws IOException {
        List<Path> files = manifests();
        assertThat(files).isNotEmpty();
        int validated = 0;
        for (Path file : files) {
            for (JsonNode doc : documents(file)) {
                assertThat(errors(doc))
                        .as(file.getFileName() + " " + doc.path("kind").asText())
                        .isEmpty();
                validated++;
            }
        }
        assertThat(validated).isGreaterThanOrEqualTo(8);
    }

    /** The strict reading catches what a typo or a wrong type would do to a manifest. */
    @Test
    void theValidatorRefusesWhatTheApiServerWould() throws IOException {
        JsonNode sts = documents(Repo.path("deploy/kubernetes/statefulset.yaml")).get(0);
        ObjectNode typo = sts.deepCopy();
        ((ObjectNode) typo.get("spec")).put("replicaz", 2);
        assertThat(errors(typo)).anyMatch(m -> m.contains("replicaz"));

        ObjectNode wrongType = sts.deepCopy();
        ((ObjectNode) wrongType.get("spec")).put("replicas", "two");
        assertThat(errors(wrongType)).anyMatch(m -> m.contains("replicas"));

        ObjectNode misplaced = sts.deepCopy();
        ((ObjectNode) misplaced.at("/spec/template/spec/containers/0")).put("replicas", 1);
        assertThat(errors(misplaced)).anyMatch(m -> m.contains("replicas"));

        ObjectNode badPort = sts.deepCopy();
        ((ObjectNode) badPort.at("/spec/template/spec/containers/0/readinessProbe/httpGet"))
                .set("port", JSON.createArrayNode());
        assertThat(errors(badPort)).isNotEmpty();
    }

    @Test
    void serveListensBeyondLoopbackAndIsProbedOnReady() throws IOException {
        JsonNode sts = documents(Repo.path("deploy/kubernetes/statefulset.yaml")).get(0);
        JsonNode c = sts.at("/spec/template/spec/containers/0");
        List<String> args = new ArrayList<>();
        c.get("args").forEach(a -> args.add(a.asText()));
        assertThat(args).contains("serve", "--listen=0.0.0.0:9966", "--http-listen=0.0.0.0:9095");
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            assertThat(c.at("/" + probe + "/httpGet/path").asText()).isEqualTo("/ready");
            assertThat(c.at("/" + probe + "/httpGet/port").asText()).isEqualTo("http");
        }
        assertThat(c.at("/resources/requests/memory").asText()).isNotEmpty();
        assertThat(sts.at("/spec/volumeClaimTemplates/0/metadata/name").asText()).isEqualTo("data");
        assertThat(sts.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
    }

    @Test
    void theJobsAreIndexedAndUseTheirIndex() throws IOException {
        for (String file : List.of("migrate-job.yaml", "convert-blocks-job.yaml")) {
            JsonNode job = documents(Repo.path("deploy/kubernetes/" + file)).get(0);
            assertThat(job.at("/spec/completionMode").asText()).as(file).isEqualTo("Indexed");
            assertThat(job.at("/spec/template/spec/containers/0").toString())
                    .as(file)
                    .contains("JOB_COMPLETION_INDEX");
        }
        JsonNode convert = documents(Repo.path("deploy/kubernetes/convert-blocks-job.yaml")).get(0);
        int completions = convert.at("/spec/completions").asInt();
        assertThat(convert.at("/spec/template/spec/containers/0/args").toString())
                .contains("--shard=$(JOB_COMPLETION_INDEX)/" + completions);
        JsonNode migrate = documents(Repo.path("deploy/kubernetes/migrate-job.yaml")).get(0);
        String ranges = migrate.at("/spec/template/spec/containers/0/env/0/value").asText();
        assertThat(ranges.trim().split("\\s+"))
                .as("RANGES has completions + 1 boundaries")
                .hasSize(migrate.at("/spec/completions").asInt() + 1);
    }
}
