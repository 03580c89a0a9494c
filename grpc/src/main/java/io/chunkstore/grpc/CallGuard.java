package io.chunkstore.grpc;

import io.chunkstore.grpc.proto.CreateTableRequest;
import io.chunkstore.grpc.proto.DeleteTableRequest;
import io.chunkstore.grpc.proto.UpdateTableRequest;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call the grpc_store service and what it may change: the bearer token (metadata {@code
 * authorization: Bearer <token>}) when the server has {@link TokenCheck tokens}, the read-only mode
 * (every write, delete and table change refused) and the table-deletion switch (off unless the
 * operator turns it on). A refused call ends with UNAUTHENTICATED or PERMISSION_DENIED and a
 * message naming the switch, and is logged (WARN) with the client's address; every table create,
 * update and delete is logged (INFO) with the table, the client's address and the outcome.
 *
 * <p>The standard health and reflection services are not guarded: they tell nothing about the data.
 */
final class CallGuard implements ServerInterceptor {
    private static final Logger log = LoggerFactory.getLogger(CallGuard.class);

    /** The request header of a bearer token, as every gRPC client sends call credentials. */
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** RPCs that change data. */
    static final Set<String> WRITES =
            Set.of("WriteIndex", "DeleteIndex", "PutChunks", "DeleteChunks");

    /** RPCs that change tables. */
    static final Set<String> TABLE_CHANGES = Set.of("CreateTable", "UpdateTable", "DeleteTable");

    private final TokenCheck tokens;
    private final boolean readOnly;
    private final boolean allowTableDeletion;

    /**
     * @param tokens the accepted bearer tokens, or null for no authentication
     * @param readOnly refuse every write, delete and table change
     * @param allowTableDeletion accept DeleteTable (when not read-only)
     */
    CallGuard(TokenCheck tokens, boolean readOnly, boolean allowTableDeletion) {
        this.tokens = tokens;
        this.readOnly = readOnly;
        this.allowTableDeletion = allowTableDeletion;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String rpc = call.getMethodDescriptor().getBareMethodName();
        String peer = peer(call);
        String credential = "";
        if (tokens != null) {
            Optional<String> who = authenticate(headers.get(AUTHORIZATION));
            if (who.isEmpty()) {
                String why =
                        headers.get(AUTHORIZATION) == null
                                ? "no credentials: this server requires a bearer token (metadata"
                                        + " 'authorization: Bearer <token>')"
                                : "the bearer token is not valid";
                return refuse(call, Status.UNAUTHENTICATED, rpc + " refused: " + why, peer, "");
            }
            credential = " (credential '" + who.get() + "')";
        }
        boolean changesTables = TABLE_CHANGES.contains(rpc);
        if (readOnly && (WRITES.contains(rpc) || changesTables)) {
            return refuse(
                    call,
                    Status.PERMISSION_DENIED,
                    rpc
                            + " refused: this grpc_store server is read-only (chunkstore serve"
                            + " --read-only); it answers reads only",
                    peer,
                    credential);
        }
        if (!allowTableDeletion && rpc.equals("DeleteTable")) {
            return refuse(
                    call,
                    Status.PERMISSION_DENIED,
                    "DeleteTable refused: table deletion is off; start chunkstore serve with"
                            + " --allow-table-deletion where a table manager with retention should"
                            + " delete old tables",
                    peer,
                    credential);
        }
        if (!changesTables) {
            return next.startCall(call, headers);
        }
        return logTableChange(call, headers, next, rpc, peer, credential);
    }

    private Optional<String> authenticate(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String prefix = "Bearer ";
        if (header.length() <= prefix.length()
                || !header.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return Optional.empty();
        }
        return tokens.credentialOf(header.substring(prefix.length()).strip());
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(
            ServerCall<Q, R> call, Status status, String message, String peer, String credential) {
        log.warn(
                "refused {} from {}{}: {} {}",
                call.getMethodDescriptor().getBareMethodName(),
                peer,
                credential,
                status.getCode(),
                message);
        call.close(status.withDescription(message), new Metadata());
        return new ServerCall.Listener<>() {};
    }

    /** Logs the table and outcome of a table change once the call ends. */
    private static <Q, R> ServerCall.Listener<Q> logTableChange(
            ServerCall<Q, R> call,
            Metadata headers,
            ServerCallHandler<Q, R> next,
            String rpc,
            String peer,
            String credential) {
        AtomicReference<String> table = new AtomicReference<>("?");
        ServerCall<Q, R> logged =
                new SimpleForwardingServerCall<>(call) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        log.info(
                                "{} '{}' from {}{}: {}",
                                rpc,
                                table.get(),
                                peer,
                                credential,
                                status.isOk()
                                        ? "done"
                                        : status.getCode() + " " + status.getDescription());
                        super.close(status, trailers);
                    }
                };
        return new SimpleForwardingServerCallListener<>(next.startCall(logged, headers)) {
            @Override
            public void onMessage(Q message) {
                table.set(tableOf(message));
                super.onMessage(message);
            }
        };
    }

    private static String tableOf(Object request) {
        if (request instanceof CreateTableRequest c) {
            return c.getDesc().getName();
        }
        if (request instanceof DeleteTableRequest d) {
            return d.getTableName();
        }
        if (request instanceof UpdateTableRequest u) {
            return u.getCurrent().getName();
        }
        return "?";
    }

    /** The client's address ({@code 127.0.0.1:53422}), or "an unknown address". */
    static String peer(ServerCall<?, ?> call) {
        SocketAddress a = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            return i.getAddress().getHostAddress() + ":" + i.getPort();
        }
        return a == null ? "an unknown address" : a.toString();
    }
}
