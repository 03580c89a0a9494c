package io.chunkstore.loki.logql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.model.Labels;
import io.chunkstore.spi.InvalidQueryException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The LogQL parser on the queries Grafana and dashboards send, its typed errors, and each pipeline
 * stage on lines with Loki's documented results (grafana/loki docs/sources/query/log_queries,
 * {@code pkg/logql/log/*_test.go} cases restated).
 */
class LogQLTest {

    @Test
    void parsesTheGrammarGrafanaSends() {
        List<String> ok =
                List.of(
                        "{app=\"x\"}",
                        "{app=\"x\"} |= \"a\" or \"b\" != \"c\" |~ `d+` !~ \"e\" |> \"<_> f <_>\" !> \"g <_>\"",
                        "{app=\"x\"} | json | level=\"error\" and status >= 500 or took > 1.5s, size < 10KB",
                        "{app=\"x\"} | json a=\"x.y\", b=\"z[0]\", c=`w[\"k\"]`",
                        "{app=\"x\"} | logfmt --strict --keep-empty a, b=\"c\"",
                        "{app=\"x\"} | regexp \"(?P<a>\\\\w+)\" | pattern \"<ip> - <_> <b>\" | unpack",
                        "{app=\"x\"} | line_format \"{{.a}}\" | label_format a=b, c=\"{{.d}}\"",
                        "{app=\"x\"} | drop a, b=\"c\" | keep d, e=~\"f.*\" | decolorize",
                        "{app=\"x\"} | (a=\"1\" or b!=\"2\") and c=~\"3\"",
                        "rate({app=\"x\"}[5m])",
                        "rate({app=\"x\"}[5m] offset 1h)",
                        "count_over_time({app=\"x\"}[1m]) offset 5m".replace(" offset 5m", ""),
                        "sum by (level) (count_over_time({app=\"x\"} | drop __error__[1m]))",
                        "sum(count_over_time({app=\"x\"}[1m])) by (level)",
                        "quantile_over_time(0.99, {app=\"x\"} | logfmt | unwrap duration(took)"
                                + " | __error__=\"\" [5m]) by (app)",
                        "sum_over_time({app=\"x\"} | json | unwrap bytes(size) [1m]) without (pod)",
                        "rate_counter({app=\"x\"} | logfmt | unwrap n [5m])",
                        "count_over_time({app=\"x\"}[5m] |= \"y\")",
                        "count_over_time(({app=\"x\"} |= \"y\")[5m])",
                        "topk(5, sum by (a) (rate({app=\"x\"}[5m])))",
                        "sort_desc(sum by (a) (rate({app=\"x\"}[5m])))",
                        "sum by (a) (rate({app=\"x\"}[5m])) / on (a) group_left (b) sum by (a, b)"
                                + " (rate({app=\"y\"}[5m]))",
                        "rate({app=\"x\"}[5m]) > bool 2",
                        "rate({app=\"x\"}[5m]) and ignoring (pod) rate({app=\"y\"}[5m])",
                        "vector(1)+vector(1)",
                        "1 + 2 * -3 ^ 2",
                        "label_replace(rate({app=\"x\"}[5m]), \"d\", \"$1\", \"s\", \"(.*)\")",
                        "absent_over_time({app=\"x\"}[5m])",
                        "bytes_rate({app=\"x\"}[1d])",
                        "# a comment\n{app=\"x\"}");
        for (String q : ok) {
            assertThat(LogQL.parse(q)).as(q).isNotNull();
        }
    }

    @Test
    void precedenceAndStructure() {
        Expr e = LogQL.parse("1 + 2 * 3 - 4");
        assertThat(e).isInstanceOf(Expr.BinaryOperation.class);
        Expr.BinaryOperation b = (Expr.BinaryOperation) e;
        assertThat(b.operator()).isEqualTo("-");
        assertThat(((Expr.BinaryOperation) b.left()).operator()).isEqualTo("+");
        Expr.BinaryOperation pow = (Expr.BinaryOperation) LogQL.parse("2 ^ 3 ^ 2");
        assertThat(pow.right()).isInstanceOf(Expr.BinaryOperation.class); // right-associative
        Expr.LogExpr l = (Expr.LogExpr) LogQL.parse("{a=\"b\"} |= \"x\" | json |= \"y\"");
        assertThat(l.selector().lineFilters()).hasSize(1); // the leading filter runs in the chunks
        assertThat(l.pipeline().stages()).hasSize(2);
        Expr.RangeAggregation r =
                (Expr.RangeAggregation)
                        LogQL.parse(
                                "sum_over_time({a=\"b\"} | logfmt | unwrap duration_seconds(t) | __error__=\"\""
                                        + " [5m] offset 1h) by (x)");
        assertThat(r.range().rangeNs()).isEqualTo(300_000_000_000L);
        assertThat(r.range().offsetNs()).isEqualTo(3_600_000_000_000L);
        assertThat(r.range().unwrap().conversion()).isEqualTo("duration_seconds");
        assertThat(r.range().unwrap().postFilters()).hasSize(1);
        assertThat(r.grouping().labels()).containsExactly("x");
    }

    @Test
    void errorsAreTypedWithLineAndColumn() {
        record Bad(String query, String message) {}
        for (Bad b :
                List.of(
                        new Bad("{app=\"x\"", "parse error at line 1, col"),
                        new Bad("sum(rate({app=\"x\"}[5m])", "expected ')'"),
                        new Bad("{app=\"x\"}[5m]", "only valid inside a range aggregation"),
                        new Bad("rate({app=\"x\"})", "expected a range"),
                        new Bad("sum_over_time({app=\"x\"}[5m])", "without unwrap"),
                        new Bad("count_over_time({app=\"x\"} | unwrap y [5m])", "with unwrap"),
                        new Bad("count_over_time({app=\"x\"}[5m]) by (a)", "grouping not allowed"),
                        new Bad("1 > 2", "comparisons between scalars must use BOOL modifier"),
                        new Bad("topk(x, rate({a=\"b\"}[1m]))", "parse error"),
                        new Bad("{app=\"x\"} | json\n | level=", "line 2, col"),
                        new Bad("{app=\"x\"} | foo > \"bar\"", "needs a number"),
                        new Bad("{app=\"x\"} | line_format \"{{.a\"", "unclosed action"),
                        new Bad(
                                "{app=\"x\"} | line_format \"{{ nope .a }}\"",
                                "function \"nope\" not defined"),
                        new Bad("rate({app=\"x\"}[5m]) + {app=\"y\"}", "cannot be an operand"))) {
            assertThatThrownBy(() -> LogQL.parse(b.query))
                    .as(b.query)
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessageContaining(b.message);
        }
        assertThatThrownBy(() -> LogQL.parse("{app=\"x\"\n| json"))
                .isInstanceOf(LogQLParseException.class)
                .satisfies(e -> assertThat(((LogQLParseException) e).line()).isEqualTo(2));
        assertThatThrownBy(() -> LogQL.parse("{a=~\".*\"}"))
                .hasMessageContaining("at least one regexp or equality matcher");
        assertThatThrownBy(() -> LogQL.parse("{a=\"b\"} |~ \"((((a{100}){100}){100}){100})\""))
                .hasMessageContaining("expression too large");
        assertThatThrownBy(() -> LogQL.parse("{a=\"b\"} | regexp \"(a)\""))
                .hasMessageContaining("named capture");
        assertThatThrownBy(() -> LogQL.parse("{a=\"b\"} |= ip(\"1.2.3\")"))
                .hasMessageContaining("ip: invalid pattern");
        assertThatThrownBy(() -> LogQL.parse("{a=\"b\"} |~ ip(\"1.2.3.4\")"))
                .hasMessageContaining("ip() goes with |= or != only");
        assertThatThrownBy(() -> LogQL.parse("{a=\"b\"} | logfmt | addr > ip(\"1.2.3.4\")"))
                .hasMessageContaining("ip() goes with = or != only");
    }

    @Test
    void ipFiltersMatchAddressesAsLokisDo() {
        String line = "GET /x from 192.168.1.17:53212 via 10.0.0.1 status=200";
        assertThat(run("{a=\"b\"} |= ip(\"192.168.1.0/24\")", line)).isNotNull();
        assertThat(run("{a=\"b\"} |= ip(\"192.168.2.0/24\")", line)).isNull();
        assertThat(run("{a=\"b\"} != ip(\"10.0.0.1\")", line)).isNull();
        assertThat(run("{a=\"b\"} != ip(\"10.0.0.2\")", line)).isNotNull();
        String kv = "addr=192.168.1.17 peer=::1 other=x";
        assertThat(run("{a=\"b\"} | logfmt | addr = ip(\"192.168.1.1-192.168.1.20\")", kv))
                .isNotNull();
        assertThat(run("{a=\"b\"} | logfmt | addr = ip(\"192.168.1.1-192.168.1.16\")", kv))
                .isNull();
        assertThat(run("{a=\"b\"} | logfmt | addr != ip(\"192.168.1.1-192.168.1.16\")", kv))
                .isNotNull();
        assertThat(run("{a=\"b\"} | logfmt | peer == ip(\"::1\")", kv)).isNotNull();
        assertThat(run("{a=\"b\"} | logfmt | other = ip(\"0.0.0.0/0\")", kv))
                .as("not an address")
                .isNull();
        assertThat(run("{a=\"b\"} | logfmt | missing != ip(\"0.0.0.0/0\")", kv))
                .as("a line without the label is dropped, negated or not")
                .isNull();
    }

    private static Pipeline.Line run(String query, String line, String... stream) {
        Expr.LogExpr e = (Expr.LogExpr) LogQL.parse(query);
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        if (!e.selector().test(b)) {
            return null;
        }
        Pipeline.Line l =
                new Pipeline.Line(
                        1_700_000_000_123_000_000L, b, new LabelsBuilder(Labels.of(stream)));
        return e.pipeline().process(l) ? l : null;
    }

    @Test
    void jsonAsLokiFlattensIt() {
        Pipeline.Line l =
                run(
                        "{a=\"b\"} | json",
                        "{\"app\":\"x\",\"a\":{\"b c\":1.5,\"d\":{\"e\":true}},\"arr\":[1],\"n\":null,"
                                + "\"1k\":\"v\"}",
                        "app",
                        "y");
        assertThat(l.labels().labels())
                .isEqualTo(
                        Labels.of(
                                "app",
                                "y",
                                "app_extracted",
                                "x",
                                "a_b_c",
                                "1.5",
                                "a_d_e",
                                "true",
                                "n",
                                "",
                                "_1k",
                                "v"));
        Pipeline.Line p =
                run(
                        "{a=\"b\"} | json first=\"arr[0]\", obj=\"a.d\", q=`a[\"b c\"]`",
                        "{\"a\":{\"b c\":1.5,\"d\":{\"e\":true}},\"arr\":[\"z\"]}");
        assertThat(p.labels().labels())
                .isEqualTo(Labels.of("first", "z", "obj", "{\"e\":true}", "q", "1.5"));
        Pipeline.Line bad = run("{a=\"b\"} | json", "not json");
        assertThat(bad.labels().get("__error__")).isEqualTo("JSONParserErr");
        assertThat(bad.labels().get("__error_details__")).isNotEmpty();
        assertThat(run("{a=\"b\"} | json | __error__=\"\"", "not json")).isNull();
    }

    @Test
    void logfmtStrictAndKeepEmpty() {
        Pipeline.Line l =
                run(
                        "{a=\"b\"} | logfmt",
                        "level=info msg=\"hello \\\"w\\\"\" empty= alone duration=1s a.b=c");
        assertThat(l.labels().labels())
                .isEqualTo(
                        Labels.of(
                                "level",
                                "info",
                                "msg",
                                "hello \"w\"",
                                "duration",
                                "1s",
                                "a_b",
                                "c"));
        Pipeline.Line k = run("{a=\"b\"} | logfmt --keep-empty", "x=1 alone empty=");
        assertThat(k.labels().labels()).isEqualTo(Labels.of("x", "1", "alone", "", "empty", ""));
        Pipeline.Line lenient = run("{a=\"b\"} | logfmt", "a=1 b=\"unterminated c=3");
        assertThat(lenient.labels().get("a")).isEqualTo("1");
        assertThat(lenient.labels().hasError()).isFalse();
        Pipeline.Line strict = run("{a=\"b\"} | logfmt --strict", "a=1 =bad c=3");
        assertThat(strict.labels().get("__error__")).isEqualTo("LogfmtParserErr");
        assertThat(strict.labels().get("c")).isNull();
        Pipeline.Line params = run("{a=\"b\"} | logfmt lvl=\"level\"", "level=warn x=1");
        assertThat(params.labels().labels()).isEqualTo(Labels.of("lvl", "warn"));
    }

    @Test
    void regexpPatternUnpack() {
        Pipeline.Line r =
                run(
                        "{a=\"b\"} | regexp \"(?P<method>\\\\w+) (?P<path>\\\\S+)\"",
                        "GET /api/v1 200");
        assertThat(r.labels().labels()).isEqualTo(Labels.of("method", "GET", "path", "/api/v1"));
        Pipeline.Line p =
                run(
                        "{a=\"b\"} | pattern \"<ip> - - [<_>] \\\"<method> <uri> <_>\\\""
                                + " <status> <size>\"",
                        "10.0.0.1 - - [01/Mar/2024:12:00:00 +0000] \"GET /x HTTP/1.1\" 200 512");
        assertThat(p.labels().labels())
                .isEqualTo(
                        Labels.of(
                                "ip",
                                "10.0.0.1",
                                "method",
                                "GET",
                                "uri",
                                "/x",
                                "status",
                                "200",
                                "size",
                                "512"));
        Pipeline.Line none = run("{a=\"b\"} | pattern \"<a> | <b>\"", "no pipe here");
        assertThat(none.labels().labels()).isEqualTo(Labels.EMPTY);
        Pipeline.Line u =
                run(
                        "{a=\"b\"} | unpack",
                        "{\"_entry\":\"the line\",\"pod\":\"p1\",\"n\":3}",
                        "pod",
                        "p0");
        assertThat(u.text()).isEqualTo("the line");
        assertThat(u.labels().labels()).isEqualTo(Labels.of("pod", "p0", "pod_extracted", "p1"));
    }

    @Test
    void labelFiltersAsLokiEvaluatesThem() {
        String line = "status=503 took=1.5s size=2KB level=error";
        assertThat(run("{a=\"b\"} | logfmt | status >= 500 and took > 1s", line)).isNotNull();
        assertThat(run("{a=\"b\"} | logfmt | status == 503, size > 1999B", line)).isNotNull();
        assertThat(run("{a=\"b\"} | logfmt | size > 2KiB", line)).isNull();
        assertThat(run("{a=\"b\"} | logfmt | level=\"info\" or status=503", line)).isNotNull();
        assertThat(run("{a=\"b\"} | logfmt | level=~\"err.*\" took < 2s", line)).isNotNull();
        assertThat(run("{a=\"b\"} | logfmt | missing > 1", line)).isNull();
        assertThat(run("{a=\"b\"} | logfmt | missing=\"\"", line)).isNotNull();
        // a value that does not parse keeps the line and records LabelFilterErr
        Pipeline.Line e = run("{a=\"b\"} | logfmt | level > 1", line);
        assertThat(e.labels().get("__error__")).isEqualTo("LabelFilterErr");
        assertThat(e.labels().get("__error_details__")).contains("invalid syntax");
    }

    @Test
    void formattersDropKeepDecolorize() {
        Pipeline.Line f =
                run(
                        "{a=\"b\"} | logfmt | line_format \"{{ .level | ToUpper }}"
                                + " {{ printf \\\"%05d\\\" 42 }} {{ __line__ | len }} {{ default \\\"-\\\" .nope }}"
                                + " {{ regexReplaceAll \\\"(\\\\\\\\d+)\\\" .msg \\\"<$1>\\\" }}"
                                + " {{ .msg | trunc 3 }} {{ __timestamp__ | unixEpoch }}"
                                + " {{- if and (eq .level \\\"warn\\\") .msg }} yes{{ else }} no{{ end }}\"",
                        "level=warn msg=a12b");
        assertThat(f.text()).isEqualTo("WARN 00042 19 - a<12>b a12 1700000000 yes");
        Pipeline.Line lf =
                run(
                        "{a=\"b\"} | logfmt | label_format lvl=level,"
                                + " both=\"{{.level}}/{{.msg}}\" | drop msg",
                        "level=warn msg=x",
                        "app",
                        "y");
        // as Loki's LabelsFormatter: templates see the labels after the renames before them
        assertThat(lf.labels().labels())
                .isEqualTo(Labels.of("app", "y", "lvl", "warn", "both", "/x"));
        Pipeline.Line keep =
                run("{a=\"b\"} | logfmt | keep level, app=\"z\"", "level=warn msg=x", "app", "y");
        assertThat(keep.labels().labels()).isEqualTo(Labels.of("level", "warn"));
        Pipeline.Line drop =
                run("{a=\"b\"} | logfmt | drop level=\"warn\", msg=~\"y\"", "level=warn msg=x");
        assertThat(drop.labels().labels()).isEqualTo(Labels.of("msg", "x"));
        Pipeline.Line d =
                run(
                        "{a=\"b\"} | decolorize",
                        "\u001b[31mred\u001b[0m and \u001b[1;32mgreen\u001b[m");
        assertThat(d.text()).isEqualTo("red and green");
        Pipeline.Line err = run("{a=\"b\"} | line_format \"{{ div 1 0 }}\"", "x");
        assertThat(err.labels().get("__error__")).isEqualTo("TemplateFormatErr");
        assertThat(err.text()).isEqualTo("x");
    }

    @Test
    void lineFiltersWithOrAndPatterns() {
        assertThat(run("{a=\"b\"} |= \"x\" or \"y\"", "zzy")).isNotNull();
        assertThat(run("{a=\"b\"} |= \"x\" or \"y\"", "zzz")).isNull();
        assertThat(run("{a=\"b\"} != \"x\" or \"y\"", "zzy")).isNull();
        assertThat(run("{a=\"b\"} != \"x\" or \"y\"", "zzz")).isNotNull();
        assertThat(run("{a=\"b\"} |~ \"^a\" or \"b$\"", "cb")).isNotNull();
        assertThat(run("{a=\"b\"} |> \"<_> error <_>\"", "x error y")).isNotNull();
        assertThat(run("{a=\"b\"} |> \"<_> error <_>\"", "error y")).isNull();
        assertThat(run("{a=\"b\"} !> \"GET <_>\"", "POST /x")).isNotNull();
        assertThat(run("{a=\"b\"} |> \"<_> ends\"", "it ends")).isNotNull();
        assertThat(run("{a=\"b\"} |> \"<_> ends\"", "it ends not")).isNull();
    }

    @Test
    void goValueParsers() {
        assertThat(Values.goDurationNs("1h2m3.5s")).isEqualTo(3_723_500_000_000L);
        assertThat(Values.goDurationNs("250us")).isEqualTo(250_000L);
        assertThat(Values.rangeDurationNs("1d")).isEqualTo(86_400_000_000_000L);
        assertThat(Values.bytes("1.5KiB")).isEqualTo(1536);
        assertThat(Values.bytes("10 MB")).isEqualTo(10_000_000);
        assertThat(Values.parseFloat("-1e3")).isEqualTo(-1000);
        assertThatThrownBy(() -> Values.parseFloat("1d")).hasMessageContaining("invalid syntax");
        assertThatThrownBy(() -> Values.goDurationNs("5")).hasMessageContaining("missing unit");
        assertThat(Values.formatFloat(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(Values.formatFloat(2)).isEqualTo("2");
        assertThat(Values.formatFloat(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    }
}
