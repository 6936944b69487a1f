package dev.parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    private static Comparison sample() {
        Comparison c = new Comparison("Parley", "anchor");
        Metric cpu = new Metric("CPU per packet", "µs", true);
        Metric rate = new Metric("rate", "pkt/s", false);
        for (double v : new double[] {10, 12, 11}) {
            c.add(cpu, Comparison.Side.OURS, v);
            c.add(rate, Comparison.Side.OURS, 1000 / v);
        }
        for (double v : new double[] {20, 22, 21}) {
            c.add(cpu, Comparison.Side.ANCHOR, v);
            c.add(rate, Comparison.Side.ANCHOR, 1000 / v);
        }
        return c;
    }

    @Test
    void statsGiveMedianAndSpread() {
        Stats s = sample().stats(new Metric("CPU per packet", "µs", true), Comparison.Side.OURS);
        assertEquals(11, s.median(), 1e-9);
        assertEquals(10, s.min(), 1e-9);
        assertEquals(12, s.max(), 1e-9);
        assertEquals(18.18, s.spreadPercent(), 0.01);
        assertEquals(99, Stats.percentile(java.util.stream.LongStream.rangeClosed(1, 100).toArray(), 99), 1e-9);
    }

    @Test
    void markdownHasMediansSpreadAndRatio() {
        String md = Report.markdown("x", "Title", "setup text", sample(), "notes");
        assertTrue(md.contains("| CPU per packet (µs) | 11.0 (10.0–12.0) | 21.0 (20.0–22.0) | 0.52 | Parley |"), md);
        assertTrue(md.contains("| rate (pkt/s) | 90.9 (83.3–100.0) | 47.6 (45.5–50.0) | 1.91 | Parley |"), md);
        assertTrue(md.contains("![Title](x.png)"));
    }

    @Test
    void writesMarkdownAndPng(@TempDir Path dir) throws Exception {
        Report.write(dir, "x", "Title", "setup", sample(), "");
        assertTrue(Files.size(dir.resolve("x.md")) > 100);
        BufferedImage img = ImageIO.read(dir.resolve("x.png").toFile());
        assertEquals(900, img.getWidth());
    }
}
