package io.chunkstore.server.prom;

/** Configs the tests need that serve's options do not offer. */
final class PromApiTestConfigs {
    private PromApiTestConfigs() {}

    static PromApiConfig frames(int maxFrameBytes) {
        return PromApiConfig.DEFAULT.withMaxFrameBytes(maxFrameBytes);
    }
}
