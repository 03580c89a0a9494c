package io.chunkstore.loki.logql;

import com.google.common.net.InetAddresses;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.spi.InvalidQueryException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * The argument of LogQL's {@code ip("...")} (grafana/loki {@code pkg/logql/log/ip.go}): one address
 * ({@code 192.168.0.1}, {@code ::1}), a CIDR prefix ({@code 192.168.0.0/16}) or an inclusive range
 * ({@code 192.168.0.1-192.168.0.23}), IPv4 or IPv6. Address literals are parsed by Guava's {@code
 * InetAddresses} (no name lookup, no leading zeros in IPv4). As in Java generally, an IPv4-mapped
 * IPv6 address ({@code ::ffff:1.2.3.4}) is the IPv4 address, where Go keeps it IPv6. Immutable.
 */
public final class IpPattern {
    private final String text;
    private final byte[] low;
    private final byte[] high;

    private IpPattern(String text, byte[] low, byte[] high) {
        this.text = text;
        this.low = low;
        this.high = high;
    }

    /**
     * @throws InvalidQueryException when the pattern is none of the three forms
     */
    public static IpPattern parse(String pattern) {
        InetAddress single = address(pattern);
        if (single != null) {
            byte[] b = single.getAddress();
            return new IpPattern(pattern, b, b);
        }
        int slash = pattern.indexOf('/');
        if (slash > 0) {
            InetAddress base = address(pattern.substring(0, slash));
            Integer bits = bits(pattern.substring(slash + 1));
            if (base != null && bits != null && bits <= base.getAddress().length * 8) {
                byte[] lo = base.getAddress();
                byte[] hi = lo.clone();
                for (int i = bits; i < lo.length * 8; i++) {
                    lo[i / 8] &= (byte) ~(0x80 >>> (i % 8));
                    hi[i / 8] |= (byte) (0x80 >>> (i % 8));
                }
                return new IpPattern(pattern, lo, hi);
            }
        }
        int dash = pattern.indexOf('-');
        if (dash > 0) {
            InetAddress from = address(pattern.substring(0, dash));
            InetAddress to = address(pattern.substring(dash + 1));
            if (from != null
                    && to != null
                    && (from instanceof Inet4Address) == (to instanceof Inet4Address)
                    && Arrays.compareUnsigned(from.getAddress(), to.getAddress()) <= 0) {
                return new IpPattern(pattern, from.getAddress(), to.getAddress());
            }
        }
        throw new InvalidQueryException(
                "ip: invalid pattern: "
                        + GoStrings.quote(pattern)
                        + " (give an address such as 192.168.0.1, a CIDR prefix such as"
                        + " 192.168.0.0/16, or a range such as 192.168.0.1-192.168.0.23)");
    }

    /** Whether {@code value} is an address this pattern covers. */
    public boolean matchesAddress(String value) {
        InetAddress a = address(value);
        if (a == null) {
            return false;
        }
        byte[] b = a.getAddress();
        return b.length == low.length
                && Arrays.compareUnsigned(low, b) <= 0
                && Arrays.compareUnsigned(b, high) <= 0;
    }

    /**
     * Whether any address written in {@code line} is covered: candidates start where Loki's hints
     * say (a digit followed by a dot within three bytes for IPv4, a colon within the first five
     * bytes of hex digits for IPv6) and run over the characters an address may hold.
     */
    public boolean matchesAnyIn(String line) {
        int n = line.length();
        for (int i = 0; i < n; i++) {
            String charset;
            if (i + 3 < n && ipv4Hint(line, i)) {
                charset = "0123456789.";
            } else if (i + 4 < n && ipv6Hint(line, i)) {
                charset = "0123456789abcdefABCDEF:.";
            } else {
                continue;
            }
            int end = i;
            while (end < n && charset.indexOf(line.charAt(end)) >= 0) {
                end++;
            }
            if (matchesAddress(line.substring(i, end))) {
                return true;
            }
            i = end; // the loop's i++ steps past the character that ended the candidate
        }
        return false;
    }

    private static boolean ipv4Hint(String s, int i) {
        return Character.isDigit(s.charAt(i))
                && (s.charAt(i + 1) == '.' || s.charAt(i + 2) == '.' || s.charAt(i + 3) == '.');
    }

    private static boolean ipv6Hint(String s, int i) {
        if (s.charAt(i) == ':' && s.charAt(i + 1) == ':' && hex(s.charAt(i + 2))) {
            return true;
        }
        for (int k = 1; k <= 4; k++) {
            if (s.charAt(i + k) == ':') {
                for (int j = i; j < i + k; j++) {
                    if (!hex(s.charAt(j))) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static InetAddress address(String s) {
        if (s.isEmpty() || s.indexOf('%') >= 0 || !InetAddresses.isInetAddress(s)) {
            return null;
        }
        return InetAddresses.forString(s);
    }

    private static Integer bits(String s) {
        if (s.isEmpty() || s.length() > 3 || (s.length() > 1 && s.charAt(0) == '0')) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return null;
            }
        }
        return Integer.parseInt(s);
    }

    @Override
    public String toString() {
        return "ip(" + GoStrings.quote(text) + ")";
    }
}
