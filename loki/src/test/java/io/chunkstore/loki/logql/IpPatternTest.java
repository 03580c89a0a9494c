package io.chunkstore.loki.logql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.InvalidQueryException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IpPatternTest {

    @Test
    void aSingleAddressAPrefixAndARangeCoverWhatTheySay() {
        IpPattern one = IpPattern.parse("192.168.0.1");
        assertThat(one.matchesAddress("192.168.0.1")).isTrue();
        assertThat(one.matchesAddress("192.168.0.2")).isFalse();

        IpPattern cidr = IpPattern.parse("192.168.4.7/24");
        assertThat(cidr.matchesAddress("192.168.4.0")).isTrue();
        assertThat(cidr.matchesAddress("192.168.4.255")).isTrue();
        assertThat(cidr.matchesAddress("192.168.5.0")).isFalse();
        assertThat(IpPattern.parse("0.0.0.0/0").matchesAddress("8.8.8.8")).isTrue();
        assertThat(IpPattern.parse("0.0.0.0/0").matchesAddress("::1"))
                .as("an IPv4 prefix does not cover IPv6")
                .isFalse();

        IpPattern range = IpPattern.parse("192.168.0.1-192.168.0.23");
        assertThat(range.matchesAddress("192.168.0.1")).isTrue();
        assertThat(range.matchesAddress("192.168.0.23")).isTrue();
        assertThat(range.matchesAddress("192.168.0.24")).isFalse();
        assertThat(range.matchesAddress("192.168.0.0")).isFalse();

        IpPattern v6 = IpPattern.parse("2001:db8::/32");
        assertThat(v6.matchesAddress("2001:db8::ff00:42:8329")).isTrue();
        assertThat(v6.matchesAddress("2001:db9::1")).isFalse();
        assertThat(v6.matchesAddress("192.168.0.1")).isFalse();
    }

    @Test
    void aPrefixEqualsTheRangeOfItsFirstAndLastAddress() {
        // Oracle: the prefix's range computed with integer arithmetic, independent of the bit
        // masking under test.
        Random r = new Random(7);
        for (int t = 0; t < 500; t++) {
            long base = r.nextLong() & 0xffffffffL;
            int bits = r.nextInt(33);
            long size = 1L << (32 - bits);
            long first = base / size * size;
            long last = first + size - 1;
            IpPattern p = IpPattern.parse(v4(base) + "/" + bits);
            long probe = r.nextLong() & 0xffffffffL;
            assertThat(p.matchesAddress(v4(probe)))
                    .as(v4(base) + "/" + bits + " vs " + v4(probe))
                    .isEqualTo(probe >= first && probe <= last);
            assertThat(p.matchesAddress(v4(first))).isTrue();
            assertThat(p.matchesAddress(v4(last))).isTrue();
        }
    }

    private static String v4(long a) {
        return (a >>> 24 & 255) + "." + (a >>> 16 & 255) + "." + (a >>> 8 & 255) + "." + (a & 255);
    }

    @Test
    void aLineMatchesWhenAnyAddressInItIsCovered() {
        IpPattern p = IpPattern.parse("10.0.0.2");
        assertThat(p.matchesAnyIn("from 10.0.0.1 to 10.0.0.2:8080 ok")).isTrue();
        assertThat(p.matchesAnyIn("from 10.0.0.1 to 10.0.0.3")).isFalse();
        assertThat(p.matchesAnyIn("version 110.0.0.2.5")).as("not an address").isFalse();
        assertThat(p.matchesAnyIn("")).isFalse();
        IpPattern v6 = IpPattern.parse("::1");
        assertThat(v6.matchesAnyIn("listen [::1]:9095")).isTrue();
        assertThat(IpPattern.parse("fe80::/10").matchesAnyIn("peer=fe80::1ff:fe23:4567:890a up"))
                .isTrue();
    }

    @Test
    void anythingElseIsAnInvalidPatternNamingIt() {
        for (String bad :
                new String[] {
                    "",
                    "192.168.0",
                    "1.2.3.4/33",
                    "1.2.3.4/",
                    "1.2.3.4/01",
                    "192.168.0.9-192.168.0.1",
                    "1.2.3.4-::1",
                    "localhost",
                    "01.2.3.4",
                    "1.2.3.4 - 1.2.3.5"
                }) {
            assertThatThrownBy(() -> IpPattern.parse(bad))
                    .as(bad)
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessageContaining("ip: invalid pattern");
        }
        assertThat(IpPattern.parse("1.2.3.4").matchesAddress("01.2.3.4"))
                .as("leading zeros are not an address")
                .isFalse();
    }
}
