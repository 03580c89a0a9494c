package io.chunkstore.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Finds backends on the class path by store name. */
public final class StorageProviders {
    private StorageProviders() {}

    public static List<StorageProvider> all() {
        List<StorageProvider> out = new ArrayList<>();
        ServiceLoader.load(StorageProvider.class).forEach(out::add);
        return out;
    }

    /**
     * The provider for a store name. When two providers claim a name, the first on the class path
     * wins.
     *
     * @throws ConfigException naming the known stores when none matches
     */
    public static StorageProvider forStore(String storeName) {
        TreeSet<String> known = new TreeSet<>();
        for (StorageProvider p : all()) {
            if (p.storeNames().contains(storeName)) {
                return p;
            }
            known.addAll(p.storeNames());
        }
        throw new ConfigException(
                "no backend for store '" + storeName + "'; stores on the class path: " + known);
    }

    /** Opens a store by name. */
    public static StorageBackend open(BackendContext context) {
        return forStore(context.storeName()).open(context);
    }
}
