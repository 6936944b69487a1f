package dev.parley.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes a benchmark's results: {@code <dir>/<name>.md} (table of medians with min–max spread and
 * the ratio ours/anchor) and {@code <dir>/<name>.png} (per metric, both sides' rounds normalised to
 * the anchor's median, with the spread drawn as a whisker).
 */
public final class Report {

    private Report() {
    }

    public static void write(Path dir, String name, String title, String setup, Comparison c, String notes)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".md"), markdown(name, title, setup, c, notes), StandardCharsets.UTF_8);
        ImageIO.write(chart(title, c), "png", dir.resolve(name + ".png").toFile());
    }

    static String markdown(String name, String title, String setup, Comparison c, String notes) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(title).append("\n\n");
        b.append("Run ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16))
                .append(" UTC on ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(". ").append(setup).append("\n\n");
        b.append("| metric | ").append(c.ours()).append(" median (min–max) | ").append(c.anchor())
                .append(" median (min–max) | ours / anchor | better |\n");
        b.append("|---|---|---|---|---|\n");
        for (Metric m : c.metrics()) {
            Stats o = c.stats(m, Comparison.Side.OURS);
            Stats a = c.stats(m, Comparison.Side.ANCHOR);
            double r = c.ratio(m);
            boolean oursBetter = m.lowerIsBetter() ? r <= 1 : r >= 1;
            b.append("| ").append(m.name()).append(" (").append(m.unit()).append(") | ")
                    .append(fmt(o)).append(" | ").append(fmt(a)).append(" | ")
                    .append(Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.2f", r)).append(" | ")
                    .append(Double.isNaN(r) ? "–" : oursBetter ? c.ours() : c.anchor())
                    .append(" |\n");
        }
        b.append("\n").append(m(c)).append(" rounds per side, alternated. ");
        b.append("Lower is better for costs and latencies, higher for rates.\n");
        if (notes != null && !notes.isBlank()) {
            b.append("\n").append(notes.strip()).append("\n");
        }
        b.append("\n![").append(title).append("](").append(name).append(".png)\n");
        return b.toString();
    }

    private static int m(Comparison c) {
        return c.metrics().isEmpty() ? 0 : c.stats(c.metrics().get(0), Comparison.Side.OURS).n();
    }

    private static String fmt(Stats s) {
        if (s.n() == 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%s (%s–%s)", num(s.median()), num(s.min()), num(s.max()));
    }

    private static String num(double v) {
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static BufferedImage chart(String title, Comparison c) {
        List<Metric> metrics = c.metrics();
        int rowH = 54;
        int w = 900;
        int left = 300;
        int h = 70 + rowH * Math.max(1, metrics.size()) + 40;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 16, 26);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("bars: median relative to " + c.anchor() + " (= 1.0); whiskers: min–max over rounds", 16, 46);

        double maxRel = 1.0;
        for (Metric m : metrics) {
            double base = c.stats(m, Comparison.Side.ANCHOR).median();
            for (Comparison.Side s : Comparison.Side.values()) {
                Stats st = c.stats(m, s);
                if (base > 0 && st.n() > 0) {
                    maxRel = Math.max(maxRel, st.max() / base);
                }
            }
        }
        maxRel = Math.min(maxRel, 10);
        int plotW = w - left - 40;
        int y = 70;
        Color oursColor = new Color(0x2454c5);
        Color anchorColor = new Color(0x9aa4b2);
        int oneX = left + (int) (plotW / maxRel);
        for (Metric m : metrics) {
            g.setColor(Color.DARK_GRAY);
            g.drawString(m.name() + " (" + m.unit() + (m.lowerIsBetter() ? ", lower is better)" : ", higher is better)"),
                    16, y + 26);
            double base = c.stats(m, Comparison.Side.ANCHOR).median();
            int barY = y + 6;
            for (Comparison.Side s : Comparison.Side.values()) {
                Stats st = c.stats(m, s);
                if (base > 0 && st.n() > 0) {
                    int bw = (int) (plotW * Math.min(st.median() / base, maxRel) / maxRel);
                    g.setColor(s == Comparison.Side.OURS ? oursColor : anchorColor);
                    g.fillRect(left, barY, Math.max(1, bw), 16);
                    int x0 = left + (int) (plotW * Math.min(st.min() / base, maxRel) / maxRel);
                    int x1 = left + (int) (plotW * Math.min(st.max() / base, maxRel) / maxRel);
                    g.setColor(Color.BLACK);
                    g.setStroke(new BasicStroke(1.5f));
                    g.drawLine(x0, barY + 8, x1, barY + 8);
                    g.drawLine(x0, barY + 3, x0, barY + 13);
                    g.drawLine(x1, barY + 3, x1, barY + 13);
                    g.drawString(String.format(Locale.ROOT, "%.2f", st.median() / base), Math.min(w - 36, x1 + 6), barY + 13);
                }
                barY += 20;
            }
            y += rowH;
        }
        g.setColor(Color.GRAY);
        g.drawLine(oneX, 62, oneX, y);
        int ly = y + 20;
        g.setColor(oursColor);
        g.fillRect(left, ly - 10, 12, 12);
        g.setColor(Color.DARK_GRAY);
        g.drawString(c.ours(), left + 18, ly);
        g.setColor(anchorColor);
        g.fillRect(left + 160, ly - 10, 12, 12);
        g.setColor(Color.DARK_GRAY);
        g.drawString(c.anchor(), left + 178, ly);
        g.dispose();
        return img;
    }
}
