package io.chunkstore.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.chunkstore.cli.common.FreeText;
import io.chunkstore.cli.common.SampleValues;
import io.chunkstore.cli.common.UserOption;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.chunk.KeyFormat;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code chunkstore chunk}: decode and verify a stored chunk, or write a Bigchunk chunk from
 * samples.
 */
@Command(
        name = "chunk",
        mixinStandardHelpOptions = true,
        description = "Decode, verify and write chunks in the Cortex/Loki chunk format.",
        subcommands = {ChunkCommand.Inspect.class, ChunkCommand.Encode.class})
public final class ChunkCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code chunk inspect}: prints a stored chunk's metadata and samples as one JSON object. */
    @Command(
            name = "inspect",
            mixinStandardHelpOptions = true,
            description = {
                "Decode a stored chunk (the bytes a chunk store keeps under its external key), check it"
                        + " against its key, and print one JSON object: key, user, fingerprint (unsigned decimal, and hex),"
                        + " from and through (ms), labels, encoding, checksum, data length and, for Prometheus chunks"
                        + " (Delta, DoubleDelta, Varbit, Bigchunk, PrometheusXorChunk), samples as [[t, v], ...]"
                        + " (non-finite values as \"+Inf\", \"-Inf\", \"NaN\", \"StaleNaN\" for Prometheus' stale"
                        + " marker, \"NaN(0x<bits>)\" for any other NaN). Loki log chunks: their MemChunk is decoded and"
                        + " verified (header, block CRCs, every entry) and summed up under \"logs\"; a corrupt one exits 1.",
                "A chunk that fails a check (checksum, metadata length, metadata vs key, data length, encoding,"
                        + " corrupt payload) exits with 1 and the reason on stderr."
            })
    static final class Inspect implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--key",
                paramLabel = "KEY",
                description =
                        "The chunk's external key (any form: <user>/<fp>:<from>:<through>:<checksum>, Loki v12"
                                + " <user>/<fp>/<from>:<through>:<checksum>, or legacy). Without it the chunk is decoded"
                                + " unchecked and its checksum computed.")
        String key;

        @Option(
                names = "--user",
                parameterConsumer = FreeText.class,
                paramLabel = "USER",
                description =
                        "The tenant, needed for a legacy <fp>:<from>:<through> key; checked against other keys.")
        String user;

        @Parameters(index = "0", paramLabel = "FILE", description = "The stored chunk bytes.")
        Path file;

        @Override
        public Integer call() throws IOException {
            byte[] bytes = readFile(file);
            Chunk chunk;
            String shownKey;
            if (key == null) {
                chunk = ChunkCodec.decodeUnverified(bytes);
                shownKey = chunk.externalKey();
            } else {
                chunk = ChunkCodec.decode(ChunkRef.parse(user, key), bytes);
                shownKey = key;
            }
            // Decode samples (or every log entry) before printing anything, so a corrupt payload
            // prints only the error (exit 1).
            List<Sample> samples = chunk.encoding().isLogs() ? null : chunk.samples();
            LogSummary logs = chunk.encoding().isLogs() ? LogSummary.of(chunk, shownKey) : null;
            PrintWriter out = spec.commandLine().getOut();
            out.println(toJson(chunk, shownKey, key != null, samples, logs));
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code chunk encode}: writes a Bigchunk chunk and prints its external key. */
    @Command(
            name = "encode",
            mixinStandardHelpOptions = true,
            description = {
                "Write a Bigchunk chunk holding the given samples, the way Cortex encodes it, and print"
                        + " its external key.",
                "The fingerprint is Cortex's client.Fingerprint of the labels; from and through are the first and"
                        + " last sample times."
            })
    static final class Encode implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin UserOption user;

        @Option(
                names = "--labels",
                parameterConsumer = FreeText.class,
                required = true,
                paramLabel = "LABELS",
                description = "The series, e.g. '{__name__=\"foo\",bar=\"baz\"}'.")
        String labels;

        @Option(
                names = "--samples",
                required = true,
                paramLabel = "SAMPLES",
                description =
                        "Comma-separated t:v pairs, t in ms (ascending), v a float (NaN, +Inf, -Inf allowed,"
                                + " StaleNaN for Prometheus' stale marker, NaN(0x<16 hex digits>) for other NaN bits),"
                                + " e.g. '1557654321000:0,1557654336000:1.5'.")
        String samples;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "FILE",
                description = "Where to write the chunk.")
        Path out;

        @Option(
                names = "--key-format",
                paramLabel = "FORMAT",
                defaultValue = "current",
                description =
                        "Key form to print: current (<user>/<fp>:<from>:<through>:<checksum>) or v12 (Loki"
                                + " schema v12+, <user>/<fp>/<from>:<through>:<checksum>). Default: ${DEFAULT-VALUE}.")
        String keyFormat;

        @Override
        public Integer call() throws IOException {
            KeyFormat format =
                    switch (keyFormat.toLowerCase(Locale.ROOT)) {
                        case "current" -> KeyFormat.CURRENT;
                        case "v12" -> KeyFormat.V12;
                        default ->
                                throw new IllegalArgumentException(
                                        "--key-format must be current or v12, not " + keyFormat);
                    };
            Labels series = Selectors.parseLabels(labels);
            ChunkCodec.Encoded encoded =
                    ChunkCodec.encode(Chunk.fromSamples(user.id(), series, parseSamples(samples)));
            Files.write(out, encoded.bytes());
            spec.commandLine().getOut().println(encoded.externalKey(format));
            return ExitCodes.OK;
        }
    }

    private static final Pattern NAN_BITS = Pattern.compile("NaN\\(0x([0-9a-fA-F]{16})\\)");
    private static final Pattern DECIMAL =
            Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    /**
     * {@code t1:v1,t2:v2}: times as int64 ms, values as Go's ParseFloat reads them (NaN, Inf, +Inf,
     * -Inf), or as {@link SampleValues} prints NaN payloads ({@code StaleNaN}, {@code NaN(0x...)}).
     */
    static List<Sample> parseSamples(String text) {
        List<Sample> out = new ArrayList<>();
        for (String pair : text.split(",")) {
            String p = pair.strip();
            int colon = p.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("sample \"" + p + "\" is not t:v");
            }
            long t;
            try {
                t = Long.parseLong(p.substring(0, colon).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "sample \"" + p + "\": time is not an integer of milliseconds");
            }
            out.add(new Sample(t, parseValue(p.substring(colon + 1).strip(), p)));
        }
        return out;
    }

    private static double parseValue(String v, String pair) {
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.equals(SampleValues.STALE_NAN.toLowerCase(Locale.ROOT))) {
            return Double.longBitsToDouble(Sample.STALE_NAN_BITS);
        }
        Matcher nanBits = NAN_BITS.matcher(v);
        if (nanBits.matches()) {
            double d = Double.longBitsToDouble(Long.parseUnsignedLong(nanBits.group(1), 16));
            if (!Double.isNaN(d)) {
                throw new IllegalArgumentException(
                        "sample \"" + pair + "\": " + v + " is not a NaN bit pattern");
            }
            return d;
        }
        switch (lower) {
            case "nan":
                return Double.NaN;
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                if (!DECIMAL.matcher(v).matches()) {
                    throw new IllegalArgumentException(
                            "sample \"" + pair + "\": value is not a number");
                }
                return Double.parseDouble(v);
        }
    }

    /**
     * The largest chunk file {@code chunk inspect} reads: far above any chunk the backends take
     * (the gRPC plugin's messages are 4 MiB, Cortex cuts chunks at 1 KiB-1 MiB of samples), so what
     * is larger (a device such as {@code /dev/zero}, a wrong file) is refused instead of read until
     * the heap runs out.
     */
    static final int MAX_CHUNK_FILE_BYTES = 256 << 20;

    private static byte[] readFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_CHUNK_FILE_BYTES + 1);
            if (bytes.length > MAX_CHUNK_FILE_BYTES) {
                throw new IllegalArgumentException(
                        file
                                + " is larger than "
                                + (MAX_CHUNK_FILE_BYTES >> 20)
                                + " MiB, more than any chunk: not a chunk file");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such chunk file: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /**
     * A Loki chunk's MemChunk, decoded and verified: its header, block metas and every block's CRC
     * (checked when the MemChunk opens), then every entry read (each block decompressed and
     * parsed), summed up.
     */
    record LogSummary(
            String format,
            String codec,
            int blocks,
            long entries,
            long lineBytes,
            long firstNs,
            long lastNs) {
        static LogSummary of(Chunk chunk, String key) {
            io.chunkstore.loki.LokiChunk lc =
                    io.chunkstore.loki.LokiChunk.of(
                            chunk, key, io.chunkstore.loki.chunkenc.ReadOptions.named(key));
            io.chunkstore.loki.chunkenc.MemChunk mc = lc.memChunk();
            long n = 0;
            long bytes = 0;
            long first = 0;
            long last = 0;
            try (io.chunkstore.loki.EntryIterator it =
                    mc.iterator(io.chunkstore.loki.Direction.FORWARD)) {
                while (it.hasNext()) {
                    io.chunkstore.loki.LogEntry e = it.next();
                    if (n == 0) {
                        first = e.timestamp();
                    }
                    last = e.timestamp();
                    bytes += e.line().length;
                    n++;
                }
            } catch (io.chunkstore.spi.InvalidChunkException e) {
                throw e;
            } catch (io.chunkstore.spi.StorageException e) {
                // a block that does not decompress or parse: the chunk is corrupt (exit 1)
                throw new io.chunkstore.spi.InvalidChunkException(
                        io.chunkstore.spi.InvalidChunkException.Reason.CORRUPT,
                        key,
                        e.getMessage(),
                        e);
            }
            if (n != mc.entryCount()) {
                throw new io.chunkstore.spi.InvalidChunkException(
                        io.chunkstore.spi.InvalidChunkException.Reason.CORRUPT,
                        key,
                        "the MemChunk's block metas record "
                                + mc.entryCount()
                                + " entries but its blocks hold "
                                + n);
            }
            return new LogSummary(
                    mc.format().toString(),
                    mc.codec().toString(),
                    mc.blocks().size(),
                    n,
                    bytes,
                    first,
                    last);
        }
    }

    static String toJson(Chunk c, String key, boolean verified, List<Sample> samples)
            throws IOException {
        return toJson(c, key, verified, samples, null);
    }

    static String toJson(
            Chunk c, String key, boolean verified, List<Sample> samples, LogSummary logs)
            throws IOException {
        StringWriter sw = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(sw)) {
            g.writeStartObject();
            g.writeStringField("key", key);
            g.writeBooleanField("verified", verified);
            g.writeStringField("user", c.userId());
            g.writeFieldName("fingerprint");
            g.writeNumber(new BigInteger(Long.toUnsignedString(c.fingerprint())));
            g.writeStringField("fingerprintHex", String.format("%016x", c.fingerprint()));
            g.writeNumberField("from", c.from());
            g.writeNumberField("through", c.through());
            g.writeObjectFieldStart("labels");
            for (Label l : c.labels()) {
                g.writeStringField(l.name(), l.value());
            }
            g.writeEndObject();
            g.writeNumberField("encoding", c.encoding().code());
            g.writeStringField("encodingName", c.encoding().goName());
            if (c.checksumSet()) {
                g.writeStringField("checksum", String.format("%08x", c.checksum()));
            } else {
                g.writeNullField("checksum");
            }
            g.writeNumberField("dataLength", c.data().length);
            if (samples != null) {
                g.writeArrayFieldStart("samples");
                for (Sample s : samples) {
                    g.writeStartArray();
                    g.writeNumber(s.timestamp());
                    String name = SampleValues.nonFiniteName(s.value());
                    if (name != null) {
                        g.writeString(name);
                    } else {
                        g.writeNumber(s.value());
                    }
                    g.writeEndArray();
                }
                g.writeEndArray();
            }
            if (logs != null) {
                g.writeObjectFieldStart("logs");
                g.writeStringField("format", logs.format());
                g.writeStringField("codec", logs.codec());
                g.writeNumberField("blocks", logs.blocks());
                g.writeNumberField("entries", logs.entries());
                g.writeNumberField("lineBytes", logs.lineBytes());
                g.writeNumberField("firstNs", logs.firstNs());
                g.writeNumberField("lastNs", logs.lastNs());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        return sw.toString();
    }
}
