package io.chunkstore.grpc;

import io.chunkstore.spi.memory.InMemoryBackend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;

/**
 * A grpc_store server over an in-memory store for {@link InboundLimitTest}, run in its own JVM with
 * a small heap: argument 1 is the request size limit in bytes. It prints {@code port N} once
 * serving, then answers each line {@code heap} on stdin with {@code heap USED PEAK} (bytes of heap
 * in use after a GC, and the sum of the heap pools' peaks since start), and stops when stdin
 * closes.
 */
public final class SmallHeapServerMain {
    private SmallHeapServerMain() {}

    /** Runs the server until stdin closes. */
    public static void main(String[] args) throws Exception {
        GrpcStoreServer server =
                GrpcStoreServer.builder()
                        .backend(new InMemoryBackend())
                        .chunkTableResolver(TestHarness.BY_USER)
                        .maxInboundMessageBytes(Integer.parseInt(args[0]))
                        .build()
                        .start();
        System.out.println("port " + server.port());
        System.out.flush();
        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("heap")) {
                System.gc();
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                long peak = 0;
                for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (p.getType() == MemoryType.HEAP) {
                        peak += p.getPeakUsage().getUsed();
                    }
                }
                System.out.println("heap " + used + " " + peak);
                System.out.flush();
            }
        }
        server.shutdown(java.time.Duration.ZERO);
    }
}
