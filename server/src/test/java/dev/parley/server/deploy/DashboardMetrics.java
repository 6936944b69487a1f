package dev.parley.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names the Grafana dashboard's PromQL queries read. */
final class DashboardMetrics {

    private static final Pattern METRIC = Pattern.compile("\\b((?:jvm|jetty|process|system|parley)_[a-z0-9_]+)\\s*\\{");

    private DashboardMetrics() {
    }

    static Set<String> names(JsonNode dashboard) {
        Set<String> names = new TreeSet<>();
        for (JsonNode p : dashboard.path("panels")) {
            for (JsonNode t : p.path("targets")) {
                Matcher m = METRIC.matcher(t.path("expr").asText());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }
}
