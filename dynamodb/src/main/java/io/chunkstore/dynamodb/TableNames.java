package io.chunkstore.dynamodb;

import io.chunkstore.spi.InvalidRequestException;
import java.util.regex.Pattern;

/** DynamoDB's table-name rule: 3 to 255 characters from {@code [a-zA-Z0-9_.-]}. */
final class TableNames {
    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9_.\\-]{3,255}");

    private TableNames() {}

    static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /**
     * @throws InvalidRequestException naming the table and the rule it breaks
     */
    static String check(String name) {
        if (isValid(name)) {
            return name;
        }
        String why;
        if (name == null || name.isEmpty()) {
            why = "it is empty (check the schema config's index / chunks prefix and period)";
        } else if (name.length() < 3) {
            why = "it has " + name.length() + " characters, DynamoDB needs at least 3";
        } else if (name.length() > 255) {
            why = "it has " + name.length() + " characters, DynamoDB allows at most 255";
        } else {
            String bad =
                    name.chars()
                            .filter(
                                    c ->
                                            !(Character.isLetterOrDigit(c) && c < 128
                                                    || c == '_'
                                                    || c == '.'
                                                    || c == '-'))
                            .limit(5)
                            .collect(
                                    StringBuilder::new,
                                    StringBuilder::appendCodePoint,
                                    StringBuilder::append)
                            .toString();
            why =
                    "it contains '"
                            + bad
                            + "'; DynamoDB allows only letters, digits, '_', '.' and '-'";
        }
        throw new InvalidRequestException("invalid DynamoDB table name '" + name + "': " + why);
    }
}
