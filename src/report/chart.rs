//! Chart geometry for the templates: where each bar and point goes in an SVG's coordinate
//! space. The templates draw the shapes and labels (so a team can restyle them), this module
//! does the arithmetic templates are bad at.

use serde::Serialize;

/// Bars with their labels; horizontal bars (a funnel) or vertical ones (by month).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bars {
    /// The SVG's viewBox size.
    pub width: f64,
    pub height: f64,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// The value as shown (`12`, `64,000 EUR`).
    pub text: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// Where the label and the value text go.
    pub label_x: f64,
    pub label_y: f64,
    pub text_x: f64,
    pub text_y: f64,
}

const LABEL_W: f64 = 130.0;
const ROW_H: f64 = 28.0;
const GAP: f64 = 6.0;

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

impl Bars {
    /// One row per item, bars growing right from a label column; centred bars would read as
    /// a funnel, but left-aligned ones compare better.
    pub fn horizontal(items: Vec<(String, f64, String)>) -> Bars {
        let width = 640.0;
        let room = width - LABEL_W - 90.0;
        let max = items.iter().map(|i| i.1).fold(0.0, f64::max);
        let bars = items
            .into_iter()
            .enumerate()
            .map(|(i, (label, value, text))| {
                let y = i as f64 * (ROW_H + GAP);
                let w = if max > 0.0 { room * value / max } else { 0.0 };
                let w = if value > 0.0 { w.max(2.0) } else { 0.0 };
                Bar {
                    label,
                    value,
                    text,
                    x: LABEL_W,
                    y: round(y),
                    w: round(w),
                    h: ROW_H,
                    label_x: LABEL_W - 8.0,
                    label_y: round(y + ROW_H / 2.0 + 4.0),
                    text_x: round(LABEL_W + w + 6.0),
                    text_y: round(y + ROW_H / 2.0 + 4.0),
                }
            })
            .collect::<Vec<_>>();
        let height = (bars.len() as f64 * (ROW_H + GAP)).max(ROW_H);
        Bars {
            width,
            height,
            bars,
        }
    }

    /// One column per item, labels below.
    pub fn vertical(items: Vec<(String, f64, String)>) -> Bars {
        let (width, plot_h, top) = (640.0, 160.0, 20.0);
        let n = items.len().max(1) as f64;
        let slot = width / n;
        let max = items.iter().map(|i| i.1).fold(0.0, f64::max);
        let bars = items
            .into_iter()
            .enumerate()
            .map(|(i, (label, value, text))| {
                let h = if max > 0.0 { plot_h * value / max } else { 0.0 };
                let h = if value > 0.0 { h.max(2.0) } else { 0.0 };
                let x = i as f64 * slot + slot * 0.15;
                let w = slot * 0.7;
                Bar {
                    label,
                    value,
                    text,
                    x: round(x),
                    y: round(top + plot_h - h),
                    w: round(w),
                    h: round(h),
                    label_x: round(x + w / 2.0),
                    label_y: top + plot_h + 16.0,
                    text_x: round(x + w / 2.0),
                    text_y: round(top + plot_h - h - 5.0),
                }
            })
            .collect();
        Bars {
            width,
            height: top + plot_h + 24.0,
            bars,
        }
    }
}

/// Lines over the same x axis (weeks).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Lines {
    pub width: f64,
    pub height: f64,
    pub series: Vec<Series>,
    pub x_labels: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    /// Where no series has a value ("no data": before the first commit, say).
    pub no_data: Vec<Tick>,
    /// The plot area.
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Series {
    pub name: String,
    /// For the `points` attribute of an SVG polyline.
    pub points: String,
    pub dots: Vec<Dot>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub value: f64,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Tick {
    pub x: f64,
    pub y: f64,
    pub text: String,
}

impl Lines {
    pub fn new(x_labels: Vec<String>, series: Vec<(String, Vec<f64>)>) -> Lines {
        let series = series
            .into_iter()
            .map(|(name, v)| (name, v.into_iter().map(Some).collect()))
            .collect();
        Lines::with_gaps(x_labels, series)
    }

    /// [`Lines::new`] where a value may be missing: no dot there, the line drawn between the
    /// values there are, and "no data" where every series misses one.
    pub fn with_gaps(x_labels: Vec<String>, series: Vec<(String, Vec<Option<f64>>)>) -> Lines {
        let (width, height) = (640.0, 220.0);
        let (left, right, top, bottom) = (40.0, width - 24.0, 10.0, height - 30.0);
        let max = series
            .iter()
            .flat_map(|(_, v)| v.iter().flatten().copied())
            .fold(0.0, f64::max);
        let no_data: Vec<usize> = (0..x_labels.len())
            .filter(|&i| {
                series
                    .iter()
                    .all(|(_, v)| v.get(i).is_none_or(Option::is_none))
            })
            .collect();
        let top_value = nice_ceiling(max);
        let n = x_labels.len().max(2);
        let x_at = |i: usize| round(left + (right - left) * i as f64 / (n - 1) as f64);
        let y_at = |v: f64| round(bottom - (bottom - top) * v / top_value);
        let series = series
            .into_iter()
            .map(|(name, values)| {
                let dots: Vec<Dot> = values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| Some((i, (*v)?)))
                    .map(|(i, v)| Dot {
                        x: x_at(i),
                        y: y_at(v),
                        value: v,
                        label: format!("{}: {v}", x_labels.get(i).cloned().unwrap_or_default()),
                    })
                    .collect();
                Series {
                    name,
                    points: dots
                        .iter()
                        .map(|d| format!("{},{}", d.x, d.y))
                        .collect::<Vec<_>>()
                        .join(" "),
                    dots,
                }
            })
            .collect();
        let y_ticks = (0..=4)
            .map(|k| {
                let v = top_value * k as f64 / 4.0;
                Tick {
                    x: left - 6.0,
                    y: y_at(v),
                    text: crate::analysis::score::num(v),
                }
            })
            .collect();
        let x_labels = x_labels
            .into_iter()
            .enumerate()
            .map(|(i, text)| Tick {
                x: x_at(i),
                y: bottom + 18.0,
                text,
            })
            .collect();
        let no_data = no_data
            .into_iter()
            .map(|i| Tick {
                x: x_at(i),
                y: round((top + bottom) / 2.0),
                text: "no data".into(),
            })
            .collect();
        Lines {
            width,
            height,
            series,
            x_labels,
            y_ticks,
            no_data,
            left,
            right,
            top,
            bottom,
        }
    }
}

/// A round number at or above `x` for an axis's top (1, 2, 5 × a power of ten).
fn nice_ceiling(x: f64) -> f64 {
    if x <= 0.0 {
        return 4.0;
    }
    let p = 10f64.powf(x.log10().floor());
    for m in [1.0, 2.0, 4.0, 5.0, 10.0] {
        if m * p >= x {
            return m * p;
        }
    }
    10.0 * p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_bar_fills_the_room_and_empty_ones_are_empty() {
        let b = Bars::horizontal(vec![
            ("lead".into(), 10.0, "10".into()),
            ("mql".into(), 5.0, "5".into()),
            ("sql".into(), 0.0, "0".into()),
        ]);
        assert_eq!(b.bars[0].w, 420.0);
        assert_eq!(b.bars[1].w, 210.0);
        assert_eq!(b.bars[2].w, 0.0);
        assert_eq!(b.height, 102.0);
    }

    #[test]
    fn axes_end_at_round_numbers() {
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(37.0), 40.0);
        assert_eq!(nice_ceiling(120.0), 200.0);
        assert_eq!(nice_ceiling(0.0), 4.0);
        let l = Lines::new(
            vec!["W1".into(), "W2".into()],
            vec![("leads".into(), vec![0.0, 8.0])],
        );
        assert_eq!(l.series[0].points, "40,190 616,46"); // 8 of 10
        assert_eq!(l.y_ticks.last().unwrap().text, "10");
    }
}
