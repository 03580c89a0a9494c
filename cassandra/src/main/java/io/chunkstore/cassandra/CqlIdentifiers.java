package io.chunkstore.cassandra;

import io.chunkstore.spi.InvalidRequestException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Keyspace and table names as Cortex writes them: unquoted CQL identifiers, which Cassandra folds
 * to lower case. A name is accepted only when it is a valid unquoted identifier (a letter, then
 * letters, digits or underscores, at most 48 characters for a keyspace and 222 for a table,
 * Cassandra's limits), so nothing a user configures can change a statement's meaning. Names are
 * folded to lower case and emitted double-quoted, which names the same table Cortex's unquoted
 * identifier names and also works for names that happen to be CQL keywords.
 */
final class CqlIdentifiers {
    /** Cassandra's {@code SchemaConstants.NAME_LENGTH}: the longest keyspace name. */
    static final int MAX_KEYSPACE_LENGTH = 48;

    /** Cassandra's {@code SchemaConstants.TABLE_NAME_LENGTH}: the longest table name. */
    static final int MAX_TABLE_LENGTH = 222;

    private static final Pattern UNQUOTED = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    private CqlIdentifiers() {}

    /** Why a name is rejected, or null when it is fine. */
    static String problem(String what, String name) {
        int max = what.equals("keyspace") ? MAX_KEYSPACE_LENGTH : MAX_TABLE_LENGTH;
        if (name == null || name.isEmpty()) {
            return what + " name is empty";
        }
        if (name.length() > max) {
            return what
                    + " name '"
                    + name
                    + "' is "
                    + name.length()
                    + " characters long; Cassandra allows at most "
                    + max;
        }
        if (!UNQUOTED.matcher(name).matches()) {
            return what
                    + " name '"
                    + name
                    + "' is not a valid Cassandra identifier: use a letter followed by"
                    + " letters, digits or underscores (Cortex creates tables with unquoted names, so the same"
                    + " rule applied there)";
        }
        return null;
    }

    /** The folded, validated name as Cassandra stores it. */
    static String table(String name) {
        String p = problem("table", name);
        if (p != null) {
            throw new InvalidRequestException(p);
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** The name double-quoted for CQL text; the name must already be validated and folded. */
    static String quote(String foldedName) {
        return '"' + foldedName + '"';
    }
}
