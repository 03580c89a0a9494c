/**
 * The DynamoDB backend: Cortex's {@code aws} / {@code aws-dynamo} stores (index, chunks and tables)
 * on Amazon DynamoDB through the AWS SDK for Java v2 async client.
 */
package io.chunkstore.dynamodb;
