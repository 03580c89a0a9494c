package io.chunkstore.core.model;

import com.google.re2j.PatternSyntaxException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The limits Go's {@code regexp/syntax} parser puts on a regular expression, checked before RE2/J
 * compiles one that came from a user (a label matcher, a LogQL line filter). RE2/J matches in
 * linear time but compiles without a size limit, so a nested repeat such as {@code
 * ((((a{100}){100}){100}){100})} would build a program of 10^8 instructions and exhaust the heap;
 * Go refuses it with "expression too large", and so do we, with the same three limits:
 *
 * <ul>
 *   <li>a repeat count above {@value #MAX_REPEAT} ({@code a{1001}}): "invalid repeat count";
 *   <li>groups nested deeper than {@value #MAX_NESTING}: "expression nests too deeply";
 *   <li>a program over {@value #MAX_PROGRAM_SIZE} instructions (Go's {@code maxSize}, 128 MiB of
 *       40-byte instructions): "expression too large". The size is estimated as Go's {@code
 *       calcSize} does (in {@code regexp/syntax/parse.go}): a literal or class is 1, a capture adds
 *       2, {@code *} adds 2, {@code +} and {@code ?} add 1, {@code x{n,m}} is {@code m*size(x) +
 *       (m-n)}, {@code x{n,}} is {@code 1 + n*size(x)}, an alternation adds one per extra branch.
 * </ul>
 *
 * The scan reads the pattern once, in linear time, and builds nothing (sizes saturate instead of
 * overflowing).
 */
public final class RegexLimits {
    /** Go's {@code maxRepeat}: the largest count in {@code {n,m}}. */
    public static final int MAX_REPEAT = 1000;

    /** Go's {@code maxHeight}: how deep groups may nest. */
    public static final int MAX_NESTING = 1000;

    /** Go's {@code maxSize}: {@code 128 << 20 / 40} program instructions. */
    public static final long MAX_PROGRAM_SIZE = (128L << 20) / 40;

    private RegexLimits() {}

    /**
     * @throws PatternSyntaxException naming the limit the pattern exceeds
     */
    public static void check(String regex) {
        new Scan(regex).run();
    }

    /** The estimated program size of a pattern (for tests and messages); {@link #check} first. */
    static long programSize(String regex) {
        return new Scan(regex).run();
    }

    /** One open group: what its completed alternatives and its current branch add up to. */
    private static final class Frame {
        final boolean capture;
        long alternatives;
        int branches = 1;
        long branch;
        long lastAtom = -1;

        Frame(boolean capture) {
            this.capture = capture;
        }

        long size() {
            return alternatives + branch + (branches - 1);
        }
    }

    private static final class Scan {
        private final String re;
        private final Deque<Frame> stack = new ArrayDeque<>();
        private int i;

        Scan(String re) {
            this.re = re;
        }

        long run() {
            stack.push(new Frame(false));
            while (i < re.length()) {
                char c = re.charAt(i);
                switch (c) {
                    case '\\' -> escape();
                    case '[' -> charClass();
                    case '(' -> open();
                    case ')' -> close();
                    case '|' -> {
                        Frame f = stack.peek();
                        f.alternatives = cap(f.alternatives + f.branch);
                        f.branch = 0;
                        f.branches++;
                        f.lastAtom = -1;
                        i++;
                    }
                    case '*' -> repeat(s -> 2 + s, 1);
                    case '+', '?' -> repeat(s -> 1 + s, 1);
                    case '{' -> braces();
                    default -> {
                        atom(1);
                        i += Character.charCount(re.codePointAt(i));
                    }
                }
            }
            // Unbalanced parentheses are left for the compiler to report with its own message.
            long size = 0;
            while (!stack.isEmpty()) {
                size = cap(size + stack.pop().size());
            }
            if (size > MAX_PROGRAM_SIZE) {
                throw new PatternSyntaxException(
                        "expression too large: more than "
                                + MAX_PROGRAM_SIZE
                                + " program instructions (Go's limit)",
                        re.length() > 200 ? re.substring(0, 200) + "..." : re);
            }
            return size;
        }

        private void atom(long size) {
            Frame f = stack.peek();
            f.lastAtom = size;
            f.branch = cap(f.branch + size);
        }

        private void repeat(java.util.function.LongUnaryOperator grow, int length) {
            Frame f = stack.peek();
            i += length;
            if (i < re.length() && re.charAt(i) == '?') {
                i++; // non-greedy
            }
            if (f.lastAtom < 0) {
                return; // "missing argument to repetition operator": the compiler says so
            }
            long grown = cap(grow.applyAsLong(f.lastAtom));
            f.branch = cap(f.branch - f.lastAtom + grown);
            f.lastAtom = grown;
        }

        private void braces() {
            int close = re.indexOf('}', i);
            String body = close < 0 ? "" : re.substring(i + 1, close);
            if (!body.matches("\\d+(,\\d*)?")) {
                atom(1); // a literal '{', as in Go
                i++;
                return;
            }
            int comma = body.indexOf(',');
            long min = parseCount(comma < 0 ? body : body.substring(0, comma));
            long max =
                    comma < 0
                            ? min
                            : comma == body.length() - 1
                                    ? -1
                                    : parseCount(body.substring(comma + 1));
            if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) {
                throw new PatternSyntaxException(
                        "invalid repeat count", re.substring(i, close + 1));
            }
            repeat(
                    s ->
                            max < 0
                                    ? (min == 0 ? 2 + s : 1 + mul(min, s))
                                    : cap(mul(max, s) + (max - min)),
                    close + 1 - i);
        }

        private long parseCount(String digits) {
            return digits.length() > 7 ? Long.MAX_VALUE / 4 : Long.parseLong(digits);
        }

        private void open() {
            boolean capture = true;
            int next = i + 1;
            if (next < re.length() && re.charAt(next) == '?') {
                int k = next + 1;
                if (k < re.length() && (re.charAt(k) == 'P' || re.charAt(k) == '<')) {
                    int close = re.indexOf('>', k); // (?P<name>...) and (?<name>...): a capture
                    next = close < 0 ? re.length() : close + 1;
                } else {
                    // Flags: (?i) sets them for the rest of the group (no group); (?i:...) is a
                    // non-capturing group.
                    while (k < re.length() && re.charAt(k) != ')' && re.charAt(k) != ':') {
                        k++;
                    }
                    if (k < re.length() && re.charAt(k) == ')') {
                        i = k + 1;
                        return;
                    }
                    capture = false;
                    next = Math.min(re.length(), k + 1);
                }
            }
            if (stack.size() > MAX_NESTING) {
                throw new PatternSyntaxException("expression nests too deeply", re);
            }
            stack.push(new Frame(capture));
            i = next;
        }

        private void close() {
            if (stack.size() == 1) {
                i++; // "unexpected )": the compiler says so
                return;
            }
            Frame f = stack.pop();
            long size = f.size() + (f.capture ? 2 : 0);
            i++;
            atom(Math.max(1, size));
        }

        private void escape() {
            int j = i + 1;
            if (j >= re.length()) {
                i = j; // trailing backslash: the compiler says so
                return;
            }
            char e = re.charAt(j);
            if (e == 'Q') {
                int end = re.indexOf("\\E", j + 1);
                String literal = end < 0 ? re.substring(j + 1) : re.substring(j + 1, end);
                for (int k = 0;
                        k < literal.length();
                        k += Character.charCount(literal.codePointAt(k))) {
                    atom(1);
                }
                i = end < 0 ? re.length() : end + 2;
                return;
            }
            if ((e == 'p' || e == 'P' || e == 'x')
                    && j + 1 < re.length()
                    && re.charAt(j + 1) == '{') {
                int end = re.indexOf('}', j + 1);
                i = end < 0 ? re.length() : end + 1;
            } else if (e == 'x') {
                i = Math.min(re.length(), j + 3);
            } else if (e == 'p' || e == 'P') {
                i = Math.min(re.length(), j + 2);
            } else {
                i = j + Character.charCount(re.codePointAt(j));
            }
            atom(1);
        }

        private void charClass() {
            int j = i + 1;
            if (j < re.length() && re.charAt(j) == '^') {
                j++;
            }
            if (j < re.length() && re.charAt(j) == ']') {
                j++; // a leading ']' is a literal
            }
            while (j < re.length() && re.charAt(j) != ']') {
                if (re.charAt(j) == '\\') {
                    j += 2;
                } else if (re.startsWith("[:", j)) {
                    int end = re.indexOf(":]", j + 2);
                    j = end < 0 ? j + 1 : end + 2;
                } else {
                    j++;
                }
            }
            i = Math.min(re.length(), j + 1);
            atom(1);
        }

        private static long mul(long a, long b) {
            return a != 0 && b > Long.MAX_VALUE / 4 / a ? Long.MAX_VALUE / 4 : a * b;
        }

        private static long cap(long v) {
            return Math.min(v, Long.MAX_VALUE / 4);
        }
    }
}
