package io.chunkstore.cli;

import picocli.CommandLine;

/** Prints the version recorded in the jar manifest (or "development" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"chunkstore " + (v == null ? "development" : v)};
    }
}
