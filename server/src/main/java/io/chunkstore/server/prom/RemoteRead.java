package io.chunkstore.server.prom;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.chunkstore.core.chunk.MergedSamples;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.read.ReadLimits;
import io.chunkstore.core.read.SeriesReader;
import io.chunkstore.core.read.XorChunkCutter;
import io.chunkstore.core.store.SeriesChunks;
import io.chunkstore.server.prompb.Chunk;
import io.chunkstore.server.prompb.ChunkedReadResponse;
import io.chunkstore.server.prompb.ChunkedSeries;
import io.chunkstore.server.prompb.Query;
import io.chunkstore.server.prompb.QueryResult;
import io.chunkstore.server.prompb.ReadRequest;
import io.chunkstore.server.prompb.ReadResponse;
import io.chunkstore.server.prompb.Sample;
import io.chunkstore.server.prompb.TimeSeries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * Prometheus' remote-read protocol over a chunk store, without HTTP: a snappy-compressed protobuf
 * {@code ReadRequest} in, the response body out. Facts from prometheus/prometheus {@code
 * storage/remote/read_handler.go} and {@code storage/remote/codec.go}:
 *
 * <ul>
 *   <li>the request body is snappy's block format (not its framed stream) around a {@code
 *       ReadRequest};
 *   <li>the response type is the first of {@code accepted_response_types} the server implements,
 *       {@code SAMPLES} when the list is empty, an error when none is implemented ({@code
 *       NegotiateResponseType});
 *   <li>{@code SAMPLES}: one {@code ReadResponse}, a {@code QueryResult} per query in request
 *       order, snappy block format, {@code Content-Type: application/x-protobuf}, {@code
 *       Content-Encoding: snappy};
 *   <li>{@code STREAMED_XOR_CHUNKS}: frames of a uvarint message size, the message's CRC32C
 *       (Castagnoli) as a big-endian uint32, then a {@code ChunkedReadResponse} holding one series
 *       (or part of one, when its chunks pass the frame size) and its query's index; series in
 *       label order ({@link Labels#ORDER}), queries in request order ({@code
 *       StreamChunkedReadResponses}, {@code ChunkedWriter}).
 * </ul>
 *
 * Unlike Prometheus, the whole answer is built before its first byte is sent: a request's chunks
 * are in memory anyway (bounded by {@code max_chunk_bytes_per_request}), and so every limit is a
 * 422 that names it instead of a stream cut in the middle.
 */
public final class RemoteRead {
    /** The content type of a {@code SAMPLES} response. */
    public static final String SAMPLES_CONTENT_TYPE = "application/x-protobuf";

    /** The content type of a {@code STREAMED_XOR_CHUNKS} response. */
    public static final String STREAMED_CONTENT_TYPE =
            "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse";

    private final SeriesReader reader;
    private final PromApiConfig config;
    private final XorChunkCutter cutter =
            new XorChunkCutter(XorChunkCutter.DEFAULT_SAMPLES_PER_CHUNK);

    public RemoteRead(SeriesReader reader, PromApiConfig config) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * A response body with its headers.
     *
     * @param contentType the {@code Content-Type}
     * @param contentEncoding the {@code Content-Encoding}, or null
     * @param body the bytes
     * @param series series in the answer, over all queries
     * @param samples samples in the answer, over all queries
     */
    public record Answer(
            String contentType, String contentEncoding, byte[] body, long series, long samples) {}

    /**
     * Answers one request for {@code tenant}.
     *
     * @throws PromApiException 400 for a body that is not a snappy {@code ReadRequest}, an unknown
     *     response type list, or a matcher that does not compile
     * @throws io.chunkstore.core.read.ReadLimitException naming the limit a request exceeds
     * @throws io.chunkstore.spi.StorageException from the store (an {@link
     *     io.chunkstore.spi.InvalidQueryException} for a query without a metric name)
     */
    public Answer answer(byte[] compressed, String tenant) {
        ReadRequest request = decode(compressed);
        ReadRequest.ResponseType type = negotiate(request.getAcceptedResponseTypesList());
        ReadLimits.Budget budget = config.budget();
        return type == ReadRequest.ResponseType.STREAMED_XOR_CHUNKS
                ? streamed(request, tenant, budget)
                : samples(request, tenant, budget);
    }

    ReadRequest decode(byte[] compressed) {
        byte[] raw;
        try {
            int length = Snappy.uncompressedLength(compressed);
            if (length > config.maxRequestBytes()) {
                throw new PromApiException(
                        400,
                        "the remote-read request decompresses to "
                                + length
                                + " bytes, over the limit of "
                                + config.maxRequestBytes());
            }
            raw = Snappy.uncompress(compressed);
        } catch (IOException e) {
            throw new PromApiException(
                    400,
                    "the body is not snappy-compressed (block format) as remote read sends it: "
                            + e.getMessage(),
                    e);
        }
        try {
            return ReadRequest.parseFrom(raw);
        } catch (InvalidProtocolBufferException e) {
            throw new PromApiException(
                    400, "the body is not a prometheus.ReadRequest: " + e.getMessage(), e);
        }
    }

    /** Prometheus' negotiation: the first accepted type served here, SAMPLES for none given. */
    static ReadRequest.ResponseType negotiate(List<ReadRequest.ResponseType> accepted) {
        if (accepted.isEmpty()) {
            return ReadRequest.ResponseType.SAMPLES;
        }
        for (ReadRequest.ResponseType t : accepted) {
            if (t == ReadRequest.ResponseType.SAMPLES
                    || t == ReadRequest.ResponseType.STREAMED_XOR_CHUNKS) {
                return t;
            }
        }
        throw new PromApiException(
                400,
                "the server implements none of the requested response types "
                        + accepted
                        + "; it implements SAMPLES and STREAMED_XOR_CHUNKS");
    }

    static List<LabelMatcher> matchers(Query q) {
        List<LabelMatcher> out = new ArrayList<>(q.getMatchersCount());
        for (io.chunkstore.server.prompb.LabelMatcher m : q.getMatchersList()) {
            LabelMatcher.Type type =
                    switch (m.getType()) {
                        case EQ -> LabelMatcher.Type.EQUAL;
                        case NEQ -> LabelMatcher.Type.NOT_EQUAL;
                        case RE -> LabelMatcher.Type.REGEX;
                        case NRE -> LabelMatcher.Type.NOT_REGEX;
                        default ->
                                throw new PromApiException(
                                        400,
                                        "unknown matcher type "
                                                + m.getTypeValue()
                                                + " for label "
                                                + m.getName());
                    };
            try {
                out.add(LabelMatcher.of(type, m.getName(), m.getValue()));
            } catch (IllegalArgumentException e) {
                throw new PromApiException(400, e.getMessage(), e);
            }
        }
        return out;
    }

    private List<SeriesChunks> read(Query q, String tenant, ReadLimits.Budget budget) {
        return reader.read(
                tenant, q.getStartTimestampMs(), q.getEndTimestampMs(), matchers(q), budget);
    }

    private static List<io.chunkstore.server.prompb.Label> labels(Labels labels) {
        List<io.chunkstore.server.prompb.Label> out = new ArrayList<>(labels.size());
        for (Label l : labels) {
            out.add(
                    io.chunkstore.server.prompb.Label.newBuilder()
                            .setName(l.name())
                            .setValue(l.value())
                            .build());
        }
        return out;
    }

    /**
     * The {@code ReadResponse}, serialized series by series: each {@code TimeSeries} is built and
     * written on its own (a repeated message field on the wire is its elements one after another,
     * each tag, length, bytes), so the heap holds the serialized answer rather than an object per
     * sample.
     */
    private Answer samples(ReadRequest request, String tenant, ReadLimits.Budget budget) {
        ByteArrayOutputStream response = new ByteArrayOutputStream(1 << 16);
        long seriesOut = 0;
        try {
            for (Query q : request.getQueriesList()) {
                ByteArrayOutputStream result = new ByteArrayOutputStream(1 << 12);
                CodedOutputStream r = CodedOutputStream.newInstance(result);
                for (SeriesChunks s : read(q, tenant, budget)) {
                    TimeSeries.Builder ts =
                            TimeSeries.newBuilder().addAllLabels(labels(s.labels()));
                    MergedSamples it = s.samples(q.getStartTimestampMs(), q.getEndTimestampMs());
                    long n = 0;
                    while (it.next()) {
                        ts.addSamples(
                                Sample.newBuilder()
                                        .setTimestamp(it.timestamp())
                                        .setValue(Double.longBitsToDouble(it.valueBits())));
                        n++;
                    }
                    budget.addSamples(n);
                    if (n > 0) {
                        r.writeMessage(QueryResult.TIMESERIES_FIELD_NUMBER, ts.build());
                        seriesOut++;
                    }
                }
                r.flush();
                CodedOutputStream out = CodedOutputStream.newInstance(response);
                out.writeTag(
                        ReadResponse.RESULTS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(result.size());
                out.flush();
                result.writeTo(response);
            }
            byte[] body = Snappy.compress(response.toByteArray());
            return new Answer(SAMPLES_CONTENT_TYPE, "snappy", body, seriesOut, budget.samples());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Answer streamed(ReadRequest request, String tenant, ReadLimits.Budget budget) {
        FrameWriter frames = new FrameWriter();
        long seriesOut = 0;
        for (int qi = 0; qi < request.getQueriesCount(); qi++) {
            Query q = request.getQueries(qi);
            for (SeriesChunks s : read(q, tenant, budget)) {
                List<io.chunkstore.server.prompb.Label> labels = labels(s.labels());
                int labelBytes = 0;
                for (io.chunkstore.server.prompb.Label l : labels) {
                    labelBytes += l.getSerializedSize();
                }
                SeriesFrames sf = new SeriesFrames(frames, qi, labels, labelBytes);
                long n =
                        cutter.cut(
                                s.samples(q.getStartTimestampMs(), q.getEndTimestampMs()), sf::add);
                sf.finish();
                budget.addSamples(n);
                if (n > 0) {
                    seriesOut++;
                }
            }
        }
        return new Answer(STREAMED_CONTENT_TYPE, null, frames.bytes(), seriesOut, budget.samples());
    }

    /**
     * One series' chunks cut into frames: a frame is sent once its labels and chunks reach the
     * frame size (so it exceeds it by at most one chunk), and the series goes on in the next.
     */
    private final class SeriesFrames {
        private final FrameWriter frames;
        private final int queryIndex;
        private final List<io.chunkstore.server.prompb.Label> labels;
        private final int labelBytes;
        private final List<Chunk> chunks = new ArrayList<>();
        private long bytes;

        SeriesFrames(
                FrameWriter frames,
                int queryIndex,
                List<io.chunkstore.server.prompb.Label> labels,
                int labelBytes) {
            this.frames = frames;
            this.queryIndex = queryIndex;
            this.labels = labels;
            this.labelBytes = labelBytes;
        }

        void add(long minTime, long maxTime, int samples, byte[] data) {
            Chunk c =
                    Chunk.newBuilder()
                            .setMinTimeMs(minTime)
                            .setMaxTimeMs(maxTime)
                            .setType(Chunk.Encoding.XOR)
                            .setData(UnsafeByteOperations.unsafeWrap(data))
                            .build();
            chunks.add(c);
            bytes += c.getSerializedSize();
            if (labelBytes + bytes >= config.maxFrameBytes()) {
                flush();
            }
        }

        void finish() {
            if (!chunks.isEmpty()) {
                flush();
            }
        }

        private void flush() {
            frames.write(
                    ChunkedReadResponse.newBuilder()
                            .setQueryIndex(queryIndex)
                            .addChunkedSeries(
                                    ChunkedSeries.newBuilder()
                                            .addAllLabels(labels)
                                            .addAllChunks(chunks))
                            .build());
            chunks.clear();
            bytes = 0;
        }
    }

    /** The framed stream: uvarint size, big-endian CRC32C of the message, the message. */
    static final class FrameWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);

        void write(ChunkedReadResponse message) {
            byte[] m = message.toByteArray();
            CRC32C crc = new CRC32C();
            crc.update(m);
            long sum = crc.getValue();
            byte[] head = new byte[CodedOutputStream.computeUInt32SizeNoTag(m.length) + 4];
            try {
                CodedOutputStream cos = CodedOutputStream.newInstance(head);
                cos.writeUInt32NoTag(m.length);
                cos.writeFixed32NoTag(Integer.reverseBytes((int) sum));
                cos.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.write(head, 0, head.length);
            out.write(m, 0, m.length);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
