"""The report as one self-contained HTML file: nothing is fetched when it is opened offline.

plotly.js is inlined once from the installed plotly package; each chart is a div drawn by
an inline script from the figure's JSON (with `<`, `>` and `&` written as unicode escapes, so
no user string can close the script); the network page sits in an iframe's srcdoc,
sandboxed to scripts (and downloads, for its PNG button). Every user string (dataset name,
filters, channel names in sentences and tables) goes through `html.escape`. A Content
Security Policy allows inline code only, so even a stray URL could not be fetched.
"""

from __future__ import annotations

import html
import json

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from journey.present.content import Chart, ReportContent, Section, Table

CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:"
)
NETWORK_SANDBOX = "allow-scripts allow-downloads"
_STYLE = """
body { font-family: sans-serif; color: #1a1a1a; margin: 0 auto; max-width: 1100px;
       padding: 24px; line-height: 1.45; }
header.title-page { border-bottom: 2px solid #0072B2; margin-bottom: 24px; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
           gap: 12px; margin: 16px 0; }
.figure { border: 1px solid #dddddd; border-radius: 6px; padding: 10px 12px; }
.figure .label { color: #555555; font-size: 13px; }
.figure .value { font-size: 22px; font-weight: 600; }
section { margin: 32px 0; page-break-before: always; }
table { border-collapse: collapse; margin: 12px 0; font-size: 14px; }
th, td { border: 1px solid #dddddd; padding: 4px 8px; text-align: left; }
th { background: #f3f3f3; }
figcaption { color: #555555; font-size: 13px; }
iframe.network { width: 100%; height: 680px; border: 1px solid #dddddd; }
nav ol { columns: 2; }
"""
_CONFIG_JS = """
function journeyConfig(name) {
  return {
    responsive: true, displaylogo: false,
    toImageButtonOptions: { format: "png", filename: name, scale: 2 },
    modeBarButtonsToAdd: [{
      name: "downloadSvg", title: "Download plot as SVG", icon: Plotly.Icons.camera,
      click: function (gd) { Plotly.downloadImage(gd, { format: "svg", filename: name }); }
    }]
  };
}
"""


def script_json(value: object) -> str:
    """JSON safe to put inside a <script> element: <, > and & as unicode escapes."""
    text = value if isinstance(value, str) else json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_table(table: Table) -> str:
    """A table of display strings as an escaped HTML table with its caption."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in table.frame.itertuples(index=False)
    )
    caption = f"<caption>{html.escape(table.title)}</caption>"
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_chart(chart: Chart) -> str:
    """A chart's div, the inline script that draws it, and its caption."""
    figure: go.Figure = chart.figure
    height = figure.layout.height or 480
    div_id = f"chart-{chart.name}"
    script = (
        f"(function () {{ var fig = {script_json(figure.to_json())}; "
        f'Plotly.newPlot("{div_id}", fig.data, fig.layout, '
        f"journeyConfig({script_json(json.dumps(chart.name))})); }})();"
    )
    caption = f"<figcaption>{html.escape(chart.caption)}</figcaption>" if chart.caption else ""
    return (
        f"<figure><h3>{html.escape(chart.title)}</h3>"
        f'<div id="{div_id}" class="plotly-graph-div" style="height:{int(height)}px;'
        f'width:100%"></div><script>{script}</script>{caption}</figure>'
    )


def render_section(section: Section) -> str:
    """One section: title, sentences, charts, the network frame and tables."""
    parts = [f'<section id="section-{section.key}"><h2>{html.escape(section.title)}</h2>']
    parts += [f'<p class="sentence">{html.escape(s)}</p>' for s in section.sentences]
    parts += [render_chart(chart) for chart in section.charts]
    if section.network_html:
        parts.append(
            f'<iframe class="network" title="Journey network" sandbox="{NETWORK_SANDBOX}" '
            f'srcdoc="{html.escape(section.network_html, quote=True)}"></iframe>'
        )
    parts += [render_table(table) for table in section.tables]
    parts.append("</section>")
    return "".join(parts)


def render_title_page(content: ReportContent) -> str:
    """Title, dataset, filters, date generated, key figures, summary and key tables."""
    filters = (
        "<ul>" + "".join(f"<li>{html.escape(f)}</li>" for f in content.filters) + "</ul>"
        if content.filters
        else "<p>Filters: none (all data).</p>"
    )
    figures = "".join(
        f'<div class="figure"><div class="label">{html.escape(k.label)}</div>'
        f'<div class="value">{html.escape(k.value)}</div></div>'
        for k in content.key_figures
    )
    summary = "".join(f"<li>{html.escape(s)}</li>" for s in content.summary)
    contents = "".join(
        f'<li><a href="#section-{s.key}">{html.escape(s.title)}</a></li>' for s in content.sections
    )
    return (
        f'<header class="title-page"><h1>{html.escape(content.title)}</h1>'
        f'<p>Dataset: <strong class="dataset">{html.escape(content.dataset)}</strong></p>'
        f"{filters}<p>Generated {html.escape(content.generated)}</p></header>"
        f'<section id="section-key-figures"><h2>Key figures</h2>'
        f'<div class="figures">{figures}</div><ul class="summary">{summary}</ul>'
        f"{''.join(render_table(t) for t in content.key_tables)}</section>"
        f"<nav><h2>Contents</h2><ol>{contents}</ol></nav>"
    )


def render_html(content: ReportContent) -> str:
    """The whole report as one self-contained HTML document."""
    title = f"{content.title}: {content.dataset}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style>"
        f"<script>{get_plotlyjs()}</script><script>{_CONFIG_JS}</script></head><body>"
        f"{render_title_page(content)}"
        f"{''.join(render_section(s) for s in content.sections)}</body></html>\n"
    )
