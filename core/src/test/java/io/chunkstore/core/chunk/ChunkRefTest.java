package io.chunkstore.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidChunkException.Reason;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * External keys (Cortex's pkg/chunk/chunk.go): Cortex's TestParseExternalKey, the three forms,
 * their errors, and round trips.
 */
class ChunkRefTest {
    @Test
    void legacyIndexForm() {
        assertThat(ChunkRef.parse("userID", "2:1484661279394:1484664879394"))
                .isEqualTo(ChunkRef.legacy("userID", 2, 1484661279394L, 1484664879394L));
    }

    @Test
    void currentForm() {
        ChunkRef r = ChunkRef.parse("userID", "userID/2:270d8f00:270d8f00:f84c5745");
        assertThat(r).isEqualTo(ChunkRef.of("userID", 2, 655200000, 655200000, (int) 4165752645L));
        assertThat(Integer.toUnsignedLong(r.checksum())).isEqualTo(4165752645L);
        assertThat(r.checksumSet()).isTrue();
    }

    @Test
    void otherTenantIsWrongMetadata() {
        assertThatThrownBy(
                        () ->
                                ChunkRef.parse(
                                        "userID", "invalidUserID/2:270d8f00:270d8f00:f84c5745"))
                .isInstanceOfSatisfying(
                        InvalidChunkException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_METADATA))
                .hasMessageContaining("invalidUserID");
        assertThatThrownBy(() -> ChunkRef.parse("userID", "other/2/270d8f00:270d8f00:f84c5745"))
                .isInstanceOfSatisfying(
                        InvalidChunkException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_METADATA));
    }

    @Test
    void v12FormAndTheGoldenKeys() {
        ChunkRef v12 =
                ChunkRef.parse("fake", "fake/9a4e037c3b69a04e/18bcfe56800:18bcfe58359:fedb17d6");
        assertThat(v12)
                .isEqualTo(
                        ChunkRef.of(
                                "fake",
                                Long.parseUnsignedLong("11118828362131939406"),
                                1700000000000L,
                                1700000007001L,
                                (int) 0xfedb17d6L));
        assertThat(v12.externalKey(KeyFormat.V12))
                .isEqualTo("fake/9a4e037c3b69a04e/18bcfe56800:18bcfe58359:fedb17d6");
        assertThat(v12.externalKey())
                .isEqualTo("fake/9a4e037c3b69a04e:18bcfe56800:18bcfe58359:fedb17d6");
        ChunkRef golden =
                ChunkRef.parse("userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:38eb373c");
        assertThat(Long.toUnsignedString(golden.fingerprint())).isEqualTo("18245339272195143978");
        assertThat(golden.from()).isEqualTo(1557650721000L);
        assertThat(golden.through()).isEqualTo(1557654321000L);
        assertThat(golden.checksum()).isEqualTo((int) 0x38eb373cL);
    }

    @Test
    void legacyStorageFormAndItsFormatting() {
        ChunkRef r = ChunkRef.parse("u", "u/18245339272195143978:1484661279394:1484664879394");
        assertThat(r)
                .isEqualTo(
                        ChunkRef.legacy(
                                "u",
                                Long.parseUnsignedLong("18245339272195143978"),
                                1484661279394L,
                                1484664879394L));
        assertThat(r.externalKey()).isEqualTo("u/18245339272195143978:1484661279394:1484664879394");
        assertThat(r.externalKey(KeyFormat.CURRENT)).isEqualTo(r.externalKey(KeyFormat.LEGACY));
        assertThat(r.externalKey(KeyFormat.LEGACY_INDEX))
                .isEqualTo("18245339272195143978:1484661279394:1484664879394");
        assertThatThrownBy(() -> r.externalKey(KeyFormat.V12))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void negativeTimesPrintAsMinusHex() {
        ChunkRef r = ChunkRef.of("u", -1L, -1L, Long.MIN_VALUE, -1);
        assertThat(r.externalKey()).isEqualTo("u/ffffffffffffffff:-1:-8000000000000000:ffffffff");
        assertThat(ChunkRef.parse("u", r.externalKey())).isEqualTo(r);
        assertThat(r.externalKey(KeyFormat.LEGACY))
                .isEqualTo("u/18446744073709551615:-1:-9223372036854775808");
    }

    @Test
    void malformedKeysAreInvalidChunkIds() {
        for (String bad :
                new String[] {
                    "",
                    "1:2",
                    "1:2:3:4",
                    "a:2:3",
                    "-1:2:3",
                    "+1:2:3",
                    "1:2:x",
                    "userID/",
                    "userID/1:2",
                    "userID/1:2:3:4:5",
                    "userID/g:2:3:4",
                    "userID/1:2:3:100000000",
                    "userID/1:2:3:-1",
                    "userID/1:2:3:",
                    "userID/10000000000000000:1:2:3",
                    "userID/1/2:3",
                    "userID/1/2:3:4:5",
                    "userID/1/2/3:4:5",
                    "userID//2:3:4",
                    "userID/1:2::4"
                }) {
            assertThatThrownBy(() -> ChunkRef.parse("userID", bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            InvalidChunkException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_KEY))
                    .hasMessageContaining("invalid chunk ID");
        }
        assertThatThrownBy(() -> ChunkRef.parse("1:2:3")).hasMessageContaining("carries no tenant");
    }

    @Provide
    Arbitrary<ChunkRef> refs() {
        Arbitrary<String> users =
                Arbitraries.strings()
                        .withCharRange('!', '~')
                        .excludeChars('/')
                        .ofMaxLength(20)
                        .injectDuplicates(0.1)
                        .edgeCases(c -> c.add("fake"));
        return net.jqwik.api.Combinators.combine(
                        users,
                        Arbitraries.longs(),
                        Arbitraries.longs(),
                        Arbitraries.longs(),
                        Arbitraries.integers(),
                        Arbitraries.of(true, false))
                .as(ChunkRef::new);
    }

    @Property
    void everyFormParsesBackToTheSameRef(@ForAll("refs") ChunkRef ref) {
        assertThat(ChunkRef.parse(ref.userId(), ref.externalKey())).isEqualTo(ref);
        assertThat(ChunkRef.parse(ref.externalKey())).isEqualTo(ref);
        ChunkRef legacy =
                ChunkRef.legacy(ref.userId(), ref.fingerprint(), ref.from(), ref.through());
        assertThat(ChunkRef.parse(ref.userId(), ref.externalKey(KeyFormat.LEGACY)))
                .isEqualTo(legacy);
        assertThat(ChunkRef.parse(ref.userId(), ref.externalKey(KeyFormat.LEGACY_INDEX)))
                .isEqualTo(legacy);
        if (ref.checksumSet()) {
            String v12 = ref.externalKey(KeyFormat.V12);
            assertThat(v12.chars().filter(c -> c == '/').count()).isEqualTo(2);
            assertThat(ChunkRef.parse(ref.userId(), v12)).isEqualTo(ref);
            // Lowercase hex, no padding: every number part is "0" or starts with a non-zero digit.
            for (String part : ref.externalKey().substring(ref.userId().length() + 1).split(":")) {
                assertThat(part).matches("-?(0|[1-9a-f][0-9a-f]*)");
            }
        }
    }
}
