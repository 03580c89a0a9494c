package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chunkstore serve} refused at start says why in words a user acts on, with the exit code
 * docs/operations.md gives, and leaves nothing half-made behind.
 */
class ServeStartFailuresTest {
    @TempDir Path tmp;

    @Test
    void aBusyPortSaysAddressAlreadyInUseAndLeavesNoDataDirectory() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String busy = "127.0.0.1:" + taken.getLocalPort();
            // The HTTP port is bound last: before, the embedded store was made (schema.yaml,
            // RocksDB files) and the gRPC server started before the busy HTTP port was found.
            Path data = tmp.resolve("http-busy");
            CliRun http =
                    CliRun.run(
                            "serve",
                            "--data",
                            data.toString(),
                            "--listen",
                            "127.0.0.1:0",
                            "--http-listen",
                            busy);
            assertThat(http.exit()).as(http.toString()).isEqualTo(ExitCodes.STORAGE);
            assertThat(http.err())
                    .contains("cannot listen on " + busy + " (--http-listen)")
                    .contains("address already in use");
            assertThat(data).doesNotExist();

            Path data2 = tmp.resolve("grpc-busy");
            CliRun grpc =
                    CliRun.run(
                            "serve",
                            "--data",
                            data2.toString(),
                            "--listen",
                            busy,
                            "--http-listen",
                            "127.0.0.1:0");
            assertThat(grpc.exit()).as(grpc.toString()).isEqualTo(ExitCodes.STORAGE);
            assertThat(grpc.err())
                    .contains("cannot listen on " + busy + " (--listen)")
                    .contains("address already in use");
            assertThat(data2).doesNotExist();
        }
    }

    @Test
    void aDataPathThatIsAFileSaysNotADirectory() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        for (Path data : new Path[] {file, file.resolve("below")}) {
            CliRun r =
                    CliRun.run(
                            "serve",
                            "--data",
                            data.toString(),
                            "--listen",
                            "127.0.0.1:0",
                            "--http-listen",
                            "127.0.0.1:0");
            assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("--data " + data + ": not a directory");
        }
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void aReadOnlyDataDirectorySaysPermissionDenied() throws Exception {
        Path ro = Files.createDirectory(tmp.resolve("read-only"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            if (Files.isWritable(ro)) {
                return; // root writes anywhere: nothing to refuse here
            }
            CliRun r =
                    CliRun.run(
                            "serve",
                            "--data",
                            ro.resolve("data").toString(),
                            "--listen",
                            "127.0.0.1:0",
                            "--http-listen",
                            "127.0.0.1:0");
            assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("permission denied");
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
