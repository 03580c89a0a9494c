package io.chunkstore.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.chunkstore.grpc.proto.Chunk;
import io.chunkstore.grpc.proto.GetChunksRequest;
import io.chunkstore.grpc.proto.PutChunksRequest;
import io.chunkstore.grpc.proto.grpc_storeGrpc;
import io.grpc.CallOptions;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 20's memory attack on the grpc_store port: a 100 MB PutChunks, sent by grpc-java's client
 * as a stream of zeros (so the client never holds it), to a server in its own JVM with a 64 MiB
 * heap and 64 MiB of direct memory. With the default limit the request is refused
 * (RESOURCE_EXHAUSTED naming the limit) from its frame header, the server's heap does not grow, and
 * the same server then stores and returns a normal chunk.
 */
class InboundLimitTest {
    private static final int HUNDRED_MB = 100_000_000;

    @Test
    void aHundredMegabytePutChunksIsRefusedBeforeItIsBuffered() throws Exception {
        try (Child server = Child.start(GrpcStoreServer.DEFAULT_MAX_INBOUND_MESSAGE_BYTES)) {
            long[] before = server.heap();
            ManagedChannel ch =
                    NettyChannelBuilder.forAddress("127.0.0.1", server.port).usePlaintext().build();
            try {
                for (int attempt = 0; attempt < 4; attempt++) {
                    StatusRuntimeException e = refusal(() -> putZeros(ch, HUNDRED_MB));
                    assertThat(e).as("attempt %d", attempt).isNotNull();
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription())
                            .contains(
                                    String.valueOf(
                                            GrpcStoreServer.DEFAULT_MAX_INBOUND_MESSAGE_BYTES));
                }
                long[] after = server.heap();
                System.out.printf(
                        "4 x 100 MB PutChunks refused: heap after GC %d -> %d bytes, peak of heap"
                                + " pools %d -> %d bytes%n",
                        before[0], after[0], before[1], after[1]);
                assertThat(after[0] - before[0]).isLessThan(16L << 20);
                assertThat(server.process.isAlive()).isTrue();

                // The same server still takes and returns a normal chunk.
                var stub =
                        grpc_storeGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
                ByteString chunk = ByteString.copyFrom(new byte[1 << 20]);
                stub.putChunks(
                        PutChunksRequest.newBuilder()
                                .addChunks(
                                        Chunk.newBuilder()
                                                .setKey("u/1:2:3:4")
                                                .setTableName("chunks_u")
                                                .setEncoded(chunk))
                                .build());
                var got =
                        stub.getChunks(
                                GetChunksRequest.newBuilder()
                                        .addChunks(
                                                Chunk.newBuilder()
                                                        .setKey("u/1:2:3:4")
                                                        .setTableName("chunks_u"))
                                        .build());
                assertThat(got.next().getChunks(0).getEncoded()).isEqualTo(chunk);
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** PutChunks with one chunk of {@code n} zero bytes, streamed. */
    private static Empty putZeros(ManagedChannel ch, int n) {
        MethodDescriptor<InputStream, Empty> put =
                grpc_storeGrpc.getPutChunksMethod().toBuilder(
                                new RawMarshaller(),
                                ProtoUtils.marshaller(Empty.getDefaultInstance()))
                        .build();
        return ClientCalls.blockingUnaryCall(
                ch,
                put,
                CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS),
                zeroChunkRequest(n));
    }

    /**
     * The protobuf bytes of a PutChunksRequest with one Chunk {encoded: n zeros, key, tableName},
     * written by hand: the zeros are generated as they are read.
     */
    static InputStream zeroChunkRequest(int n) {
        byte[] key = "u/1:2:3:4".getBytes(StandardCharsets.UTF_8);
        byte[] table = "chunks_u".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream suffix = new ByteArrayOutputStream();
        suffix.write(0x12); // Chunk.key, length-delimited
        varint(suffix, key.length);
        suffix.writeBytes(key);
        suffix.write(0x1a); // Chunk.tableName
        varint(suffix, table.length);
        suffix.writeBytes(table);
        ByteArrayOutputStream innerHead = new ByteArrayOutputStream();
        innerHead.write(0x0a); // Chunk.encoded
        varint(innerHead, n);
        long chunkLength = (long) innerHead.size() + n + suffix.size();
        ByteArrayOutputStream prefix = new ByteArrayOutputStream();
        prefix.write(0x0a); // PutChunksRequest.chunks
        varint(prefix, chunkLength);
        prefix.writeBytes(innerHead.toByteArray());
        return new ZeroFilled(prefix.toByteArray(), n, suffix.toByteArray());
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /**
     * prefix, then n zeros, then suffix; its length is known, so grpc frames it without copying it
     * first.
     */
    private static final class ZeroFilled extends InputStream implements KnownLength {
        private final byte[] prefix;
        private final byte[] suffix;
        private final long total;
        private long pos;

        ZeroFilled(byte[] prefix, int zeros, byte[] suffix) {
            this.prefix = prefix;
            this.suffix = suffix;
            this.total = (long) prefix.length + zeros + suffix.length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= total) {
                return -1;
            }
            int n = (int) Math.min(len, total - pos);
            for (int i = 0; i < n; i++) {
                long p = pos + i;
                long fromSuffix = p - (total - suffix.length);
                b[off + i] =
                        p < prefix.length
                                ? prefix[(int) p]
                                : fromSuffix >= 0 ? suffix[(int) fromSuffix] : 0;
            }
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return (int) (total - pos);
        }
    }

    private static final class RawMarshaller implements MethodDescriptor.Marshaller<InputStream> {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            throw new UnsupportedOperationException("requests only");
        }
    }

    /** The server JVM: 64 MiB of heap and of direct memory. */
    static final class Child implements AutoCloseable {
        final Process process;
        final int port;
        private final BufferedReader out;
        private final PrintStream in;

        private Child(Process p) throws IOException {
            this.process = p;
            this.out =
                    new BufferedReader(
                            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            this.in = new PrintStream(p.getOutputStream(), true, StandardCharsets.UTF_8);
            String line = out.readLine();
            if (line == null || !line.startsWith("port ")) {
                throw new IllegalStateException("the server JVM did not start: " + line);
            }
            this.port = Integer.parseInt(line.substring(5).strip());
        }

        static Child start(int maxInboundBytes) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx64m");
            cmd.add("-XX:MaxDirectMemorySize=64m");
            cmd.add("-XX:+ExitOnOutOfMemoryError");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(SmallHeapServerMain.class.getName());
            cmd.add(String.valueOf(maxInboundBytes));
            Process p =
                    new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new Child(p);
        }

        /** Heap in use after a GC, and the sum of the heap pools' peaks. */
        long[] heap() throws IOException {
            in.println("heap");
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("the server JVM is gone (exit " + exitCode() + ")");
            }
            String[] f = line.split(" ");
            return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
        }

        private String exitCode() {
            try {
                return String.valueOf(
                        process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : "none");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "?";
            }
        }

        @Override
        public void close() {
            in.close();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The gRPC error a call ends with, or null when it succeeds. */
    static StatusRuntimeException refusal(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        if (t != null && !(t instanceof StatusRuntimeException)) {
            throw new AssertionError("not a gRPC status", t);
        }
        return (StatusRuntimeException) t;
    }
}
