//! Charts: line plots of number series and heatmaps of a tensor (or of its change), drawn as a
//! static SVG for notebooks (plotters' SVG backend: no font or bitmap system libraries, no
//! JavaScript) and as text for the terminal (a braille chart from textplots; a heatmap in
//! shade blocks). The data here is plain numbers: what becomes a series is decided by the
//! interpreter (`interp::watch`).
use plotters::prelude::*;

use crate::tensor::torch_scalar;

/// One line: its name and its points (`NaN` in `y` is a gap).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
}

/// A line chart: a title, axis names and one or more series.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub series: Vec<Series>,
}

/// A grid of values (row-major), drawn with a diverging colour map centred on 0.
#[derive(Clone, Debug, PartialEq)]
pub struct Heat {
    pub title: String,
    pub rows: usize,
    pub cols: usize,
    pub values: Vec<f64>,
    /// A line under the grid (what changed, the largest change).
    pub note: String,
}

/// Series colours (Tableau 10): the same order in SVG and in a coloured terminal.
const COLORS: [(u8, u8, u8); 10] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
];

/// Size of a chart in the notebook, in SVG pixels.
pub const SVG_SIZE: (u32, u32) = (640, 360);

/// A number on an axis or in a legend: a whole number without a point (`3`, `-2`), anything else
/// in PyTorch's short float spelling (`0.3800`, `1.0000e-05`).
pub fn num(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    torch_scalar(v)
}

/// The smallest and largest finite values, widened when they are equal (a flat line sits in the
/// middle of the chart).
fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if lo == hi {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return (lo - pad, hi + pad);
    }
    (lo, hi)
}

impl Chart {
    pub fn x_range(&self) -> (f64, f64) {
        range(self.series.iter().flat_map(|s| s.x.iter().copied()))
    }
    pub fn y_range(&self) -> (f64, f64) {
        range(self.series.iter().flat_map(|s| s.x.iter().zip(&s.y).filter(|(x, _)| x.is_finite()).map(|(_, y)| *y)))
    }

    /// The runs of finite points of series `i` (a `NaN` or infinity breaks the line).
    fn segments(s: &Series) -> Vec<Vec<(f64, f64)>> {
        let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (x, y) in s.x.iter().zip(&s.y) {
            if x.is_finite() && y.is_finite() {
                out.last_mut().expect("one run").push((*x, *y));
            } else if !out.last().expect("one run").is_empty() {
                out.push(Vec::new());
            }
        }
        out.retain(|r| !r.is_empty());
        out
    }

    /// The chart as a standalone SVG document: axes with ticks, one polyline per run of each
    /// series (dots too when a series has few points), a legend when there are several.
    pub fn svg(&self) -> String {
        let mut buf = String::new();
        // Drawing into a String cannot fail on I/O; a plotters error leaves what was drawn.
        let _ = self.draw_svg(&mut buf);
        buf
    }

    fn draw_svg(&self, buf: &mut String) -> std::result::Result<(), Box<dyn std::error::Error + '_>> {
        let root = SVGBackend::with_string(buf, SVG_SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let (x0, x1) = self.x_range();
        let (y0, y1) = self.y_range();
        let mut chart = ChartBuilder::on(&root)
            .caption(&self.title, ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(34)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .light_line_style(RGBColor(235, 235, 235))
            .x_desc(&self.x_label)
            .x_label_formatter(&|v| num(*v))
            .y_label_formatter(&|v| num(*v))
            .draw()?;
        for (i, s) in self.series.iter().enumerate() {
            let (r, g, b) = COLORS[i % COLORS.len()];
            let color = RGBColor(r, g, b);
            let runs = Self::segments(s);
            for (k, run) in runs.iter().enumerate() {
                let drawn = chart.draw_series(LineSeries::new(run.iter().copied(), color.stroke_width(2)))?;
                if k == 0 && self.series.len() > 1 {
                    drawn.label(s.name.as_str()).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2)));
                }
            }
            if s.y.len() <= 40 {
                chart.draw_series(runs.iter().flatten().map(|p| Circle::new(*p, 3, color.filled())))?;
            }
        }
        if self.series.len() > 1 {
            chart.configure_series_labels().background_style(WHITE.mix(0.85)).border_style(RGBColor(200, 200, 200)).position(SeriesLabelPosition::UpperRight).draw()?;
        }
        root.present()?;
        Ok(())
    }

    /// The chart for a terminal `width` columns wide: the title, a braille chart (colours when
    /// `color`), the x range under it, and a legend naming each series (with its last value).
    pub fn text(&self, width: u16, color: bool) -> String {
        let (x0, x1) = self.x_range();
        let (y0, y1) = self.y_range();
        // Braille cells are 2 dots wide and 4 high; labels take about 12 columns.
        let cols = (width as u32).saturating_sub(14).clamp(32, 100);
        let points: Vec<Vec<(f32, f32)>> = self.series.iter().flat_map(|s| Self::segments(s).into_iter().map(|r| r.into_iter().map(|(x, y)| (x as f32, y as f32)).collect())).collect();
        let owner: Vec<usize> = self.series.iter().enumerate().flat_map(|(i, s)| std::iter::repeat_n(i, Self::segments(s).len())).collect();
        let shapes: Vec<textplots::Shape> = points.iter().map(|p| if p.len() == 1 { textplots::Shape::Points(p) } else { textplots::Shape::Lines(p) }).collect();
        let mut c = textplots::Chart::new_with_y_range(cols * 2, 48, x0 as f32, x1 as f32, y0 as f32, y1 as f32);
        let fmt_x = textplots::LabelFormat::Custom(Box::new(|v| num(v as f64)));
        let fmt_y = textplots::LabelFormat::Custom(Box::new(|v| num(v as f64)));
        let mut chart: &mut textplots::Chart = {
            use textplots::LabelBuilder;
            c.x_label_format(fmt_x).y_label_format(fmt_y)
        };
        for (shape, i) in shapes.iter().zip(&owner) {
            chart = if color {
                use textplots::ColorPlot;
                let (r, g, b) = COLORS[i % COLORS.len()];
                chart.linecolorplot(shape, rgb::RGB8 { r, g, b })
            } else {
                use textplots::Plot;
                chart.lineplot(shape)
            };
        }
        chart.axis();
        chart.figures();
        let mut s = String::new();
        if !self.title.is_empty() {
            s.push_str(&self.title);
            s.push('\n');
        }
        s.push_str(&chart.to_string());
        if !s.ends_with('\n') {
            s.push('\n');
        }
        if !self.x_label.is_empty() {
            s.push_str(&format!("x: {}\n", self.x_label));
        }
        for (i, ser) in self.series.iter().enumerate() {
            let last = ser.y.iter().rev().find(|v| v.is_finite()).map(|v| format!(" (last {})", num(*v))).unwrap_or_default();
            let mark = if color {
                let (r, g, b) = COLORS[i % COLORS.len()];
                format!("\x1b[38;2;{r};{g};{b}m──\x1b[0m")
            } else {
                "──".to_string()
            };
            if self.series.len() > 1 || !ser.name.is_empty() {
                s.push_str(&format!("{mark} {}{last}\n", ser.name));
            }
        }
        s
    }
}

/// Blue for negative, white for 0, red for positive, by `v / scale` in [-1, 1].
fn diverging(v: f64, scale: f64) -> RGBColor {
    if !v.is_finite() || scale == 0.0 {
        return RGBColor(255, 255, 255);
    }
    let t = (v / scale).clamp(-1.0, 1.0);
    let mix = |to: (f64, f64, f64)| {
        let a = t.abs();
        RGBColor((255.0 + (to.0 - 255.0) * a) as u8, (255.0 + (to.1 - 255.0) * a) as u8, (255.0 + (to.2 - 255.0) * a) as u8)
    };
    if t < 0.0 {
        mix((33.0, 102.0, 172.0))
    } else {
        mix((178.0, 24.0, 43.0))
    }
}

impl Heat {
    /// The largest absolute finite value (the colour scale's end).
    pub fn scale(&self) -> f64 {
        self.values.iter().filter(|v| v.is_finite()).fold(0.0, |m, v| m.max(v.abs()))
    }

    /// One rectangle per cell (`<rect>`), a colour bar with its ends labelled, and the note.
    pub fn svg(&self) -> String {
        let mut buf = String::new();
        let _ = self.draw_svg(&mut buf);
        buf
    }

    fn draw_svg(&self, buf: &mut String) -> std::result::Result<(), Box<dyn std::error::Error + '_>> {
        let root = SVGBackend::with_string(buf, SVG_SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let (rows, cols) = (self.rows.max(1), self.cols.max(1));
        let scale = self.scale();
        let (main, bar) = root.split_horizontally(SVG_SIZE.0 - 90);
        let mut chart = ChartBuilder::on(&main)
            .caption(&self.title, ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(if self.note.is_empty() { 24 } else { 40 })
            .y_label_area_size(40)
            .build_cartesian_2d((0..cols).into_segmented(), (0..rows).into_segmented())?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(&self.note)
            .x_labels(cols.min(10))
            .y_labels(rows.min(10))
            // Row 0 is drawn at the top, as a matrix prints; labels sit at the cells' centres.
            .y_label_formatter(&|r| match r {
                SegmentValue::CenterOf(r) if *r < rows => (rows - 1 - r).to_string(),
                _ => String::new(),
            })
            .x_label_formatter(&|c| match c {
                SegmentValue::CenterOf(c) if *c < cols => c.to_string(),
                _ => String::new(),
            })
            .draw()?;
        chart.draw_series((0..rows).flat_map(|r| (0..cols).map(move |c| (r, c))).map(|(r, c)| {
            let v = self.values.get(r * cols + c).copied().unwrap_or(f64::NAN);
            let y = rows - 1 - r;
            Rectangle::new([(SegmentValue::Exact(c), SegmentValue::Exact(y)), (SegmentValue::Exact(c + 1), SegmentValue::Exact(y + 1))], diverging(v, scale).filled())
        }))?;
        // The colour bar: 20 steps from -scale (bottom) to +scale (top).
        let bar = bar.margin(40, 40, 10, 30);
        let (_, h) = bar.dim_in_pixel();
        let steps = 20;
        for k in 0..steps {
            let v = scale * (1.0 - 2.0 * (k as f64 + 0.5) / steps as f64);
            let y0 = (h as i32 * k) / steps;
            let y1 = (h as i32 * (k + 1)) / steps;
            bar.draw(&Rectangle::new([(0, y0), (16, y1)], diverging(v, scale).filled()))?;
        }
        let style = ("sans-serif", 12).into_font().color(&BLACK);
        bar.draw(&Text::new(num(scale), (20, 0), style.clone()))?;
        bar.draw(&Text::new(num(0.0), (20, h as i32 / 2 - 6), style.clone()))?;
        bar.draw(&Text::new(num(-scale), (20, h as i32 - 12), style))?;
        root.present()?;
        Ok(())
    }

    /// The grid in shade blocks (` ░▒▓█` by |value| / scale; `-` marks a negative cell's
    /// darkest shades with colour off), one text row per grid row, and the note.
    pub fn text(&self, color: bool) -> String {
        const SHADES: [char; 5] = [' ', '░', '▒', '▓', '█'];
        let scale = self.scale();
        let mut s = format!("{}\n", self.title);
        for r in 0..self.rows {
            s.push('│');
            for c in 0..self.cols {
                let v = self.values.get(r * self.cols + c).copied().unwrap_or(f64::NAN);
                let level = if scale > 0.0 && v.is_finite() { ((v.abs() / scale) * 4.0).round() as usize } else { 0 };
                let ch = SHADES[level.min(4)];
                if color && level > 0 {
                    let RGBColor(r, g, b) = diverging(v, scale);
                    s.push_str(&format!("\x1b[38;2;{r};{g};{b}m{ch}{ch}\x1b[0m"));
                } else if !color && level > 0 && v < 0.0 {
                    // Without colour the sign is shown by a shade on the left half only.
                    s.push(ch);
                    s.push('-');
                } else {
                    s.push(ch);
                    s.push(ch);
                }
            }
            s.push_str("│\n");
        }
        s.push_str(&format!("scale: {} … {} (█ = |{}|)\n", num(-scale), num(scale), num(scale)));
        if !self.note.is_empty() {
            s.push_str(&self.note);
            s.push('\n');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str, y: &[f64]) -> Series {
        Series { name: name.into(), x: (0..y.len()).map(|i| i as f64).collect(), y: y.to_vec() }
    }

    /// The text of every `<text>` element, trimmed.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text").skip(1).map(|t| t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].trim().to_string()).collect()
    }

    /// The data lines (stroke width 2; axes and ticks are 1) by colour.
    fn lines_of(svg: &str, color: &str) -> usize {
        svg.matches(&format!("stroke=\"{color}\" stroke-width=\"2\"")).count()
    }

    #[test]
    fn one_series_is_one_line_with_dots_title_axis_name_and_ticks() {
        let c = Chart { title: "loss".into(), x_label: "step".into(), series: vec![line("loss", &[3.0, 2.0, 1.5, 1.0])] };
        let svg = c.svg();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert_eq!(lines_of(&svg, "#1F77B4"), 1, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 4, "one dot per point: {svg}");
        let t = texts(&svg);
        assert_eq!(t[0], "loss", "the title first: {t:?}");
        assert!(t.contains(&"step".to_string()), "the x axis name: {t:?}");
        // Ticks on both axes, spelled as PyTorch spells floats.
        assert!(t.iter().any(|s| s == "1"), "{t:?}");
        assert!(t.iter().any(|s| s == "3"), "{t:?}");
        assert!(t.iter().any(|s| s == "1.5000"), "a tick between: {t:?}");
        assert!(!svg.contains("<script"), "no JavaScript");
        assert_eq!(c.y_range(), (1.0, 3.0));
        assert_eq!(c.x_range(), (0.0, 3.0));
    }

    #[test]
    fn several_series_get_one_line_each_in_its_colour_and_a_legend() {
        let c = Chart { title: String::new(), x_label: String::new(), series: vec![line("a", &[0.0, 1.0]), line("b", &[1.0, 0.0]), line("c", &[0.5, 0.5])] };
        let svg = c.svg();
        // Each colour: the series' line and its legend mark.
        for color in ["#1F77B4", "#FF7F0E", "#2CA02C"] {
            assert_eq!(lines_of(&svg, color), 2, "{color}: {svg}");
        }
        let t = texts(&svg);
        for n in ["a", "b", "c"] {
            assert!(t.contains(&n.to_string()), "legend names {n}: {t:?}");
        }
    }

    #[test]
    fn a_nan_breaks_the_line_and_never_reaches_the_svg() {
        let c = Chart { title: String::new(), x_label: String::new(), series: vec![line("y", &[1.0, 2.0, f64::NAN, 4.0, 5.0])] };
        let svg = c.svg();
        assert_eq!(lines_of(&svg, "#1F77B4"), 2, "{svg}");
        assert!(!svg.contains("NaN"), "{svg}");
        assert_eq!(c.y_range(), (1.0, 5.0));
    }

    #[test]
    fn a_flat_series_gets_a_range_around_its_value() {
        let c = Chart { series: vec![line("y", &[2.0, 2.0])], ..Chart::default() };
        assert_eq!(c.y_range(), (1.8, 2.2));
        let c = Chart { series: vec![line("y", &[0.0])], ..Chart::default() };
        assert_eq!(c.y_range(), (-1.0, 1.0));
    }

    #[test]
    fn the_terminal_chart_is_braille_with_its_range_and_legend() {
        let c = Chart { title: "running_mean".into(), x_label: "step".into(), series: vec![line("m[0]", &[0.0, 0.5, 1.0]), line("m[1]", &[1.0, 0.5, 0.0])] };
        let t = c.text(80, false);
        assert!(t.starts_with("running_mean\n"), "{t}");
        assert!(t.chars().any(|ch| ('\u{2801}'..='\u{28ff}').contains(&ch)), "braille dots: {t}");
        assert!(t.contains("── m[0] (last 1)\n"), "{t}");
        assert!(t.contains("── m[1] (last 0)\n"), "{t}");
        assert!(!t.contains('\x1b'), "no colour unless asked");
        assert!(c.text(80, true).contains("\x1b[38;2;31;119;180m"), "colour when asked");
        for l in t.lines() {
            assert!(l.chars().count() <= 80, "fits 80 columns: {l:?}");
        }
    }

    #[test]
    fn a_heatmap_has_one_cell_per_value_coloured_by_sign() {
        let h = Heat { title: "w: after - before".into(), rows: 2, cols: 3, values: vec![0.0, 1.0, -1.0, 0.5, 0.0, -0.5], note: "4 of 6 changed".into() };
        let svg = h.svg();
        // Zero is white, +1 full red, -1 full blue, +-0.5 halfway.
        for (fill, n) in [("#FFFFFF", 2), ("#B2182B", 1), ("#2166AC", 1), ("#D88B95", 1), ("#90B2D5", 1)] {
            assert!(svg.matches(&format!("fill=\"{fill}\" stroke=\"none\"")).count() >= n, "{fill}: {svg}");
        }
        let t = texts(&svg);
        assert!(t.contains(&"4 of 6 changed".to_string()), "{t:?}");
        assert!(t.contains(&"w: after - before".to_string()), "{t:?}");
        assert_eq!(h.scale(), 1.0);
        let t = h.text(false);
        let rows: Vec<&str> = t.lines().filter(|l| l.starts_with('│')).collect();
        assert_eq!(rows, ["│  ███-│", "│▒▒  ▒-│"], "{t}");
        assert!(t.contains("4 of 6 changed"));
    }
}
