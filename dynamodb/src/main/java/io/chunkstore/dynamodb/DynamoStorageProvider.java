package io.chunkstore.dynamodb;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProvider;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DynamoDB backend for the provider SPI. Store {@code aws-dynamo}: index, chunks and tables in
 * DynamoDB. Store {@code aws}: the index and tables in DynamoDB; Cortex keeps that store's chunks
 * in S3, which this provider does not serve. Config: the {@code aws:} block's {@code dynamodb:}
 * sub-block (see {@link DynamoConfig}).
 */
public final class DynamoStorageProvider implements StorageProvider {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoStorageProvider.class);

    public static final String AWS_DYNAMO = "aws-dynamo";
    public static final String AWS = "aws";

    @Override
    public Set<String> storeNames() {
        return Set.of(AWS_DYNAMO, AWS);
    }

    @Override
    public Capabilities capabilities(String storeName) {
        return capabilitiesOf(storeName);
    }

    static Capabilities capabilitiesOf(String storeName) {
        EnumSet<Feature> f =
                EnumSet.of(
                        Feature.INDEX,
                        Feature.INDEX_SCAN,
                        Feature.TABLES,
                        Feature.MISSING_TABLE_ERRORS,
                        Feature.TABLE_PROVISIONING,
                        Feature.TABLE_TAGS,
                        Feature.PERSISTENT);
        switch (storeName) {
            case AWS_DYNAMO -> f.addAll(EnumSet.of(Feature.CHUNKS, Feature.CHUNK_DELETE));
            case AWS -> {}
            default ->
                    throw new ConfigException(
                            "the DynamoDB provider serves stores aws-dynamo and aws, not '"
                                    + storeName
                                    + "'");
        }
        return new Capabilities(f, Layout.MAX_CHUNK_SIZE);
    }

    @Override
    public StorageBackend open(BackendContext context) {
        capabilitiesOf(context.storeName());
        var aws = context.block("aws");
        if (aws.isEmpty()) {
            throw new ConfigException(
                    "store "
                            + context.storeName()
                            + " needs an aws: block with"
                            + " dynamodb: {dynamodb_url: ...} in the storage config");
        }
        DynamoConfig config = DynamoConfig.fromAwsBlock(aws, System::getenv);
        if (DynamoConfig.wantsMetricsAutoscaling(aws)) {
            LOG.warn(
                    "aws.dynamodb.metrics.url is set: Cortex's metrics-based DynamoDB auto-scaling is not"
                            + " supported by chunkstore; the metrics block is ignored");
        }
        return DynamoBackend.open(
                context.storeName(), config, context.metrics(), context::metricName, null);
    }
}
