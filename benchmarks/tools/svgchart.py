"""Grouped bar charts as standalone SVG, standard library only (no matplotlib), for benchmarks/tools/report.py."""

import math
from xml.sax.saxutils import escape

FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""


def _nice_linear_max(value):
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = step * 10 ** exponent
        if top >= value:
            return top
    return 10 ** (exponent + 1)


def grouped_bars(title, y_label, groups, series, values, formatter, log=False, subtitle=None, tick_formatter=None, width=960, height=520):
    """An SVG document: one cluster of bars per group, one bar per series, value labels on the bars.

    groups: x-axis labels; series: [(name, colour)]; values: {(series name, group): value or None} (None = no bar);
    formatter: value -> label text; tick_formatter: the same for the y axis (default formatter);
    log: logarithmic y axis (decades).
    """
    tick_formatter = tick_formatter or formatter
    left, right, top, bottom = 86, 24, 96 if subtitle else 80, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    present = [v for v in values.values() if v is not None and v > 0]
    if not present:
        present = [1.0]
    if log:
        lo = 10 ** math.floor(math.log10(min(present)))
        hi = 10 ** math.ceil(math.log10(max(present)) + 0.35)  # head room for the rotated labels
        span = math.log10(hi) - math.log10(lo)

        def y_of(v):
            return top + plot_h - (math.log10(v) - math.log10(lo)) / span * plot_h
        ticks = [10 ** e for e in range(int(round(math.log10(lo))), int(round(math.log10(hi))) + 1)]
    else:
        lo, hi = 0.0, _nice_linear_max(max(present) * 1.2)

        def y_of(v):
            return top + plot_h - (v - lo) / (hi - lo) * plot_h
        ticks = [hi * i / 5 for i in range(6)]

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="26" text-anchor="middle" font-size="17" font-weight="bold" {FONT}>{escape(title)}</text>']
    if subtitle:
        out.append(f'<text x="{width / 2}" y="46" text-anchor="middle" font-size="12" fill="#444" {FONT}>{escape(subtitle)}</text>')

    # Legend: one row (or two) of coloured squares above the plot.
    legend_y = top - 22
    x = left
    for name, colour in series:
        w = 18 + 7.0 * len(name) + 16
        if x + w > width - right:
            x = left
            legend_y += 16
        out.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 17}" y="{legend_y}" font-size="12" {FONT}>{escape(name)}</text>')
        x += w

    # Grid and y ticks.
    for t in ticks:
        y = y_of(t) if (not log or t > 0) else top + plot_h
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" {FONT}>{escape(tick_formatter(t) if t > 0 else "0")}</text>')
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>')
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>')
    out.append(f'<text transform="translate(18,{top + plot_h / 2}) rotate(-90)" text-anchor="middle" font-size="13" {FONT}>'
               f'{escape(y_label + (" (log scale)" if log else ""))}</text>')

    # Bars.
    group_w = plot_w / max(1, len(groups))
    bar_w = group_w * 0.82 / max(1, len(series))
    for g, group in enumerate(groups):
        gx = left + g * group_w + group_w * 0.09
        out.append(f'<text x="{left + g * group_w + group_w / 2:.1f}" y="{top + plot_h + 20}" text-anchor="middle" font-size="13" {FONT}>{escape(group)}</text>')
        for s, (name, colour) in enumerate(series):
            v = values.get((name, group))
            if v is None or v <= 0:
                continue
            bx = gx + s * bar_w
            by = y_of(v)
            out.append(f'<rect x="{bx:.1f}" y="{by:.1f}" width="{bar_w * 0.92:.1f}" height="{top + plot_h - by:.1f}" fill="{colour}">'
                       f'<title>{escape(name)}, {escape(group)}: {escape(formatter(v))}</title></rect>')
            label = escape(formatter(v))
            cx = bx + bar_w * 0.46
            if bar_w < 7.5 * len(label):
                out.append(f'<text transform="translate({cx + 4:.1f},{by - 4:.1f}) rotate(-90)" font-size="10" {FONT}>{label}</text>')
            else:
                out.append(f'<text x="{cx:.1f}" y="{by - 4:.1f}" text-anchor="middle" font-size="11" {FONT}>{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
