/**
 * JMH benchmarks of the CPU paths: index entries generated per schema, range values parsed, Cortex
 * chunks encoded and decoded, Loki MemChunks decoded per codec. Build {@code
 * bench/target/benchmarks.jar} with {@code mvn -pl bench -am package -DskipTests} and run {@code
 * java -jar bench/target/benchmarks.jar}; rates of items and bytes are reported as secondary
 * results ({@code ·entries}, {@code ·bytes}, ...) through JMH's auxiliary counters.
 */
package io.chunkstore.bench.jmh;
