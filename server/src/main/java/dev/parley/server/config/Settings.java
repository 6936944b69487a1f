package dev.parley.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Raw setting values merged from their three sources in precedence order: command-line flags, then
 * {@code PARLEY_*} environment variables, then the config file named by {@code --config}; a flag's
 * default applies when none sets it. A repeatable flag takes its values from the first source that
 * has any. Values are strings here; {@link ParleyConfig} types and validates them.
 */
public final class Settings {

    private final Map<String, List<String>> values;
    private final Map<String, String> origin;

    private Settings(Map<String, List<String>> values, Map<String, String> origin) {
        this.values = values;
        this.origin = origin;
    }

    /** Parses what follows the command, e.g. {@code --http-port 9000 --allow-loopback-peers}. */
    public static Settings load(List<String> args, Map<String, String> env) {
        Map<String, List<String>> cli = parseArgs(args);
        Map<String, List<String>> fromEnv = fromEnv(env);
        String configFile = first(cli, "config");
        if (configFile == null) {
            configFile = first(fromEnv, "config");
        }
        Map<String, List<String>> fromFile = configFile == null ? Map.of() : fromFile(Path.of(configFile));

        Map<String, List<String>> merged = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        for (Flag f : Flags.ALL) {
            if (cli.containsKey(f.name())) {
                merged.put(f.name(), cli.get(f.name()));
                origin.put(f.name(), "flag");
            } else if (fromEnv.containsKey(f.name())) {
                merged.put(f.name(), fromEnv.get(f.name()));
                origin.put(f.name(), f.envVar());
            } else if (fromFile.containsKey(f.name())) {
                merged.put(f.name(), fromFile.get(f.name()));
                origin.put(f.name(), configFile);
            } else if (f.defaultValue() != null) {
                merged.put(f.name(), List.of(f.defaultValue()));
                origin.put(f.name(), "default");
            }
        }
        return new Settings(merged, origin);
    }

    private static Map<String, List<String>> parseArgs(List<String> args) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2) {
                throw new ConfigException(null, "unexpected argument '" + a + "' (flags look like --name value; see --help)");
            }
            String name = a.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Flag f = Flags.byName(name);
            if (f == null) {
                throw new ConfigException(name, "unknown flag (see --help)");
            }
            String value;
            if (f.isSwitch()) {
                value = inline == null ? "true" : inline;
            } else if (inline != null) {
                value = inline;
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new ConfigException(name, "needs a value (" + f.arg() + ")");
            }
            List<String> list = out.computeIfAbsent(name, k -> new ArrayList<>());
            if (!f.repeatable() && !list.isEmpty()) {
                throw new ConfigException(name, "given more than once");
            }
            list.add(value);
        }
        return out;
    }

    private static Map<String, List<String>> fromEnv(Map<String, String> env) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Flag f : Flags.ALL) {
            String v = env.get(f.envVar());
            if (v != null && !v.isEmpty()) {
                out.put(f.name(), split(f, v));
            }
        }
        return out;
    }

    private static Map<String, List<String>> fromFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("config", "cannot read " + file + ": " + e.getMessage());
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            Flag f = Flags.byName(key);
            if (f == null || f.name().equals("config")) {
                throw new ConfigException("config", file + ": unknown setting '" + key + "'");
            }
            out.put(key, split(f, p.getProperty(key).trim()));
        }
        return out;
    }

    private static List<String> split(Flag f, String v) {
        if (!f.repeatable()) {
            return List.of(v);
        }
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String first(Map<String, List<String>> m, String name) {
        List<String> l = m.get(name);
        return l == null || l.isEmpty() ? null : l.get(0);
    }

    /** The single value of a setting, or null. */
    public String get(String name) {
        return first(values, name);
    }

    /** All values of a repeatable setting (empty if none). */
    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** Where a setting's value came from: "flag", an env var's name, the config file or "default". */
    public String originOf(String name) {
        return origin.getOrDefault(name, "unset");
    }
}
