# chunkstore serve in a container: the release archive (dist module) on a Java 17 runtime, as a non-root user, with
# the embedded store in a volume.
#
#   docker build -t chunkstore:0.1.0-SNAPSHOT .
#   docker run -p 9966:9966 -p 9095:9095 -v chunkstore-data:/var/lib/chunkstore chunkstore:0.1.0-SNAPSHOT
#
# Stage 1 builds the archive from this checkout with the Maven wrapper (tests are the CI's job, not the image's).
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -DskipTests -pl dist -am package \
 && mkdir /dist \
 && tar -xzf dist/target/chunkstore-*.tar.gz -C /dist --strip-components=1

# Stage 2: the runtime only (no JDK, no Maven, no sources).
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 chunkstore \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/chunkstore --shell /usr/sbin/nologin chunkstore \
 && mkdir -p /var/lib/chunkstore \
 && chown chunkstore:chunkstore /var/lib/chunkstore
COPY --from=build /dist /opt/chunkstore
ENV PATH=/opt/chunkstore/bin:$PATH
USER 10001:10001
WORKDIR /var/lib/chunkstore
VOLUME /var/lib/chunkstore
# 9966: grpc_store (the queriers' grpc_store.server_address); 9095: /metrics, /ready, Loki's read API.
EXPOSE 9966 9095
# /ready answers 200 once the gRPC server serves (bash's /dev/tcp: the JRE image needs no curl for it).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9095 && printf 'GET /ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/opt/chunkstore/bin/chunkstore"]
# serve listens on loopback by default (a sidecar next to the querier); in a container loopback is the container's
# own, unreachable through published ports, so the image listens on every interface. Another command replaces
# these arguments (e.g. `docker run IMAGE serve --config /etc/chunkstore/loki.yaml --listen 0.0.0.0:9966 ...`).
CMD ["serve", "--data", "/var/lib/chunkstore", "--listen", "0.0.0.0:9966", "--http-listen", "0.0.0.0:9095"]
