package io.chunkstore.cassandra;

import com.datastax.oss.driver.api.core.metadata.EndPoint;
import com.datastax.oss.driver.api.core.ssl.SslEngineFactory;
import io.chunkstore.spi.ConfigException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS as Cortex configures it: {@code SSL} on, server certificates checked against {@code CA_path}
 * (PEM; the JVM's trust store when empty), a client certificate from {@code tls_cert_path} / {@code
 * tls_key_path} (PEM, the key in PKCS#8), and with {@code host_verification} the server's name
 * checked against the single configured address. Like Cortex (Go's {@code InsecureSkipVerify}),
 * {@code host_verification: false} without a CA accepts any server certificate; a warning says so.
 */
final class TlsEngineFactory implements SslEngineFactory {
    private static final Logger LOG = LoggerFactory.getLogger(TlsEngineFactory.class);
    private final SslContext context;
    private final String verifiedHost;

    TlsEngineFactory(CassandraConfig c) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient();
            if (!c.caPath().isEmpty()) {
                b.trustManager(readable("CA_path", c.caPath()));
            } else if (!c.hostVerification()) {
                LOG.warn(
                        "cassandra: SSL without CA_path and with host_verification false accepts any server"
                                + " certificate (as Cortex does); set CA_path to verify the server");
                b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            }
            if (!c.tlsCertPath().isEmpty()) {
                b.keyManager(
                        readable("tls_cert_path", c.tlsCertPath()),
                        readable("tls_key_path", c.tlsKeyPath()));
            }
            context = b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException(
                    "cassandra TLS settings cannot be used: "
                            + e.getMessage()
                            + " (certificates and keys must be PEM files, the private key unencrypted PKCS#8: convert an"
                            + " 'RSA PRIVATE KEY' or 'EC PRIVATE KEY' with `openssl pkcs8 -topk8 -nocrypt`)",
                    e);
        }
        verifiedHost = c.hostVerification() ? c.contactPoints().get(0).host() : null;
    }

    private static File readable(String key, String path) {
        File f = new File(path);
        if (!f.canRead()) {
            throw new ConfigException("cassandra." + key + " '" + path + "' cannot be read");
        }
        return f;
    }

    @Override
    public SSLEngine newSslEngine(EndPoint endPoint) {
        SocketAddress a = endPoint.resolve();
        SSLEngine engine;
        if (a instanceof InetSocketAddress isa) {
            String host = verifiedHost != null ? verifiedHost : isa.getHostString();
            engine = context.newEngine(ByteBufAllocator.DEFAULT, host, isa.getPort());
        } else {
            engine = context.newEngine(ByteBufAllocator.DEFAULT);
        }
        if (verifiedHost != null) {
            SSLParameters p = engine.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(p);
        }
        return engine;
    }

    @Override
    public void close() {
        // the Netty context holds no resources that need releasing
    }
}
