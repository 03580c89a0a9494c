package io.chunkstore.spi;

/** A read, write or describe named a table that does not exist. */
public class TableNotFoundException extends NotFoundException {
    private static final long serialVersionUID = 1L;
    private final String tableName;

    public TableNotFoundException(String tableName) {
        this(tableName, null);
    }

    public TableNotFoundException(String tableName, Throwable cause) {
        super(
                "table "
                        + tableName
                        + " does not exist (create it with `chunkstore tables sync`, or check the schema"
                        + " config's prefixes and periods)",
                cause);
        this.tableName = tableName;
    }

    public String tableName() {
        return tableName;
    }
}
