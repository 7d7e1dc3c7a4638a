"""Self-contained HTML audit report: summary, a sortable table of relazioni, and per relazione the narrative
with each motivation's evidence highlighted and the findings beside it. No CDN, no external file: it opens
from an e-mail attachment or a shared drive.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from itertools import pairwise

from .. import form
from ..analysis import Analysis
from ..findings import Severity
from ..numbers import format_number
from . import SEVERITY_IT, FileError

_PALETTE = ["#ffd6a5", "#caffbf", "#9bf6ff", "#bdb2ff", "#ffc6ff", "#fdffb6", "#a0c4ff"]

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2433;background:#f6f7fb}
header{background:#1d3557;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}
main{padding:18px 28px;max-width:1400px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:8px 0 18px}
.card{background:#fff;border-radius:8px;padding:10px 16px;box-shadow:0 1px 3px #0002;min-width:120px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;background:#fff;width:100%;box-shadow:0 1px 3px #0002}
th,td{padding:6px 10px;border-bottom:1px solid #e3e6ee;text-align:left;font-size:14px}
th{background:#e9edf5;cursor:pointer;user-select:none}th:hover{background:#dde3ef}
th.asc::after{content:" ▲"}th.desc::after{content:" ▼"}
.n-error{color:#b00020;font-weight:600}.n-warning{color:#a15c00;font-weight:600}
section.rel{background:#fff;margin:22px 0;border-radius:8px;box-shadow:0 1px 3px #0002;padding:14px 18px}
section.rel h2{margin:0 0 4px;font-size:18px}.reason{color:#555;font-size:13px;margin-bottom:10px}
.grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:18px}
.narrative{white-space:pre-wrap;line-height:1.55;font-size:14.5px;border:1px solid #e3e6ee;border-radius:6px;
padding:10px 12px;background:#fcfcfe}
mark{border-radius:3px;padding:0 1px}mark.finding{outline:2px solid #b00020}
.legend span{display:inline-block;margin:2px 6px 2px 0;padding:1px 6px;border-radius:3px;font-size:12.5px}
ul.findings{list-style:none;padding:0;margin:0}ul.findings li{border-left:4px solid #999;padding:6px 10px;
margin-bottom:8px;background:#fafafa;font-size:13.5px}
li.error{border-color:#b00020!important}li.warning{border-color:#e09000!important}li.info{border-color:#3a86ff!important}
.tag{font-family:ui-monospace,monospace;font-size:12px;color:#333;background:#eef;border-radius:3px;padding:0 4px}
.flags{font-size:13px;margin:6px 0}.flags .si{font-weight:600}.ok{color:#2b7a0b}
.err{color:#b00020}
"""

JS = """
document.querySelectorAll('table.sortable th').forEach(function(th, col){
  th.addEventListener('click', function(){
    var table = th.closest('table'), body = table.tBodies[0];
    var asc = !th.classList.contains('asc');
    table.querySelectorAll('th').forEach(function(h){h.classList.remove('asc','desc');});
    th.classList.add(asc ? 'asc' : 'desc');
    var rows = Array.from(body.rows);
    rows.sort(function(a, b){
      var x = a.cells[col].dataset.v || a.cells[col].textContent;
      var y = b.cells[col].dataset.v || b.cells[col].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'it');
      return asc ? c : -c;
    });
    rows.forEach(function(r){ body.appendChild(r); });
  });
});
"""


def _color(code: str) -> str:
    return _PALETTE[form.MOTIVATION_CODES.index(code) % len(_PALETTE)]


def _counts(a: Analysis) -> dict[Severity, int]:
    return {s: sum(f.severity is s for f in a.findings) for s in Severity}


def _evidence_spans(a: Analysis, thresholds: dict[str, float]) -> list[tuple[int, int, str, float]]:
    """(start, end, code, score) of the sentences that support a motivation of the checked blocks."""
    if a.motivations is None:
        return []
    letters = {form.block_of_code(c).letter for c in a.record.flags} | ({a.block} if a.block else set())
    spans = []
    for code, result in a.motivations.codes.items():
        if form.block_of_code(code).letter not in letters:
            continue
        for e in result.evidence:
            if e.score >= thresholds.get(code, 0.5):
                spans.append((e.start, e.end, code, e.score))
    return spans


def _narrative_html(a: Analysis, idx: int, thresholds: dict[str, float]) -> str:
    """The narrative cut at every span boundary, each piece marked with the codes (and findings) covering it."""
    text = a.record.r40
    spans = _evidence_spans(a, thresholds)
    findings = [(f.start, f.end, i) for i, f in enumerate(a.findings) if f.start is not None and f.end is not None]
    cuts = sorted({0, len(text), *(s for s, *_ in spans), *(e for _, e, *_ in spans),
                   *(s for s, _, _ in findings), *(min(e, len(text)) for _, e, _ in findings)})
    out = []
    for lo, hi in pairwise(cuts):
        piece = escape(text[lo:hi])
        codes = [(c, sc) for s, e, c, sc in spans if s <= lo and hi <= e]
        hits = [i for s, e, i in findings if s <= lo and hi <= e]
        if not codes and not hits:
            out.append(piece)
            continue
        title = ", ".join(f"{c} {sc:.2f}" for c, sc in codes)
        color = _color(codes[0][0]) if codes else "#ffe0e0"
        anchor = "".join(f'<a id="r{idx}-f{i}"></a>' for i in hits if lo == a.findings[i].start)
        cls = ' class="finding"' if hits else ""
        out.append(f'{anchor}<mark{cls} style="background:{color}" title="{escape(title)}">{piece}</mark>')
    return "".join(out)


def _findings_html(a: Analysis, idx: int) -> str:
    if not a.findings:
        return '<p class="ok">Nessun problema rilevato.</p>'
    items = []
    for i, f in enumerate(a.findings):
        link = f' <a href="#r{idx}-f{i}">vai al testo</a>' if f.start is not None else ""
        conf = f" · confidenza {f.confidence:.2f}" if f.confidence is not None else ""
        items.append(f'<li class="{f.severity.value}"><span class="tag">{escape(f.rule)}</span> '
                     f'<span class="tag">{escape(f.kind)}</span> <b>{escape(f.code or "")}</b> '
                     f'<em>{SEVERITY_IT[f.severity]}{conf}</em><br>{escape(f.message)}{link}</li>')
    return f'<ul class="findings">{"".join(items)}</ul>'


def _flags_html(a: Analysis) -> str:
    parts = []
    for code, flag in sorted(a.record.flags.items()):
        supported = a.motivations.codes[code].supported if a.motivations and code in a.motivations.codes else None
        mark = "" if supported is None else (" ✓ testo" if supported else " ✗ testo")
        parts.append(f'<span class="{flag.lower()}">{code} {flag}{mark}</span>')
    return f'<div class="flags">Motivazioni: {" · ".join(parts) or "nessuna"}</div>'


def _legend(a: Analysis, thresholds: dict[str, float]) -> str:
    codes = sorted({c for _, _, c, _ in _evidence_spans(a, thresholds)})
    if not codes:
        return ""
    items = "".join(f'<span style="background:{_color(c)}">{c} {escape(form.motivation_label(c)[:60])}</span>'
                    for c in codes)
    return f'<div class="legend">{items}</div>'


def render(results: Sequence[Analysis | FileError], *, summary: dict, thresholds: dict[str, float],
           title: str = "Relazione – esito della verifica") -> str:
    rows, sections = [], []
    for idx, r in enumerate(results):
        if isinstance(r, FileError):
            rows.append(f'<tr><td>{escape(r.file)}</td><td></td><td></td><td></td><td data-v="-1" class="err" '
                        f'colspan="3">file non leggibile: {escape(r.message)}</td></tr>')
            continue
        c = _counts(r)
        name = escape(r.source or f"#{idx}")
        rows.append(
            f'<tr><td><a href="#r{idx}">{name}</a></td><td>{escape(r.record.comune or "")}</td>'
            f'<td>{r.record.anno}</td><td>{r.block or "–"}</td>'
            f'<td data-v="{c[Severity.ERROR]}" class="{"n-error" if c[Severity.ERROR] else ""}">'
            f'{c[Severity.ERROR]}</td>'
            f'<td data-v="{c[Severity.WARNING]}" class="{"n-warning" if c[Severity.WARNING] else ""}">'
            f'{c[Severity.WARNING]}</td><td data-v="{c[Severity.INFO]}">{c[Severity.INFO]}</td></tr>')
        sections.append(
            f'<section class="rel" id="r{idx}"><h2>{name} — {escape(r.record.comune or "comune n.d.")} '
            f'{r.record.anno}</h2><div class="reason">Blocco {r.block or "non determinato"}: '
            f'{escape(r.decision.reason)} · {format_number(len(r.record.r40), 0)} caratteri</div>{_flags_html(r)}'
            f'{_legend(r, thresholds)}<div class="grid"><div class="narrative">'
            f'{_narrative_html(r, idx, thresholds) or "<em>(relazione vuota)</em>"}</div>'
            f'<div>{_findings_html(r, idx)}</div></div></section>')
    sev = summary.get("findings_by_severity", {})
    cards = "".join(f'<div class="card"><b>{v}</b>{escape(k)}</div>' for k, v in (
        ("relazioni", summary.get("files", 0)), ("errori", sev.get("error", 0)), ("avvisi", sev.get("warning", 0)),
        ("info", sev.get("info", 0)), ("file non leggibili", summary.get("unreadable", 0)),
        ("accettati (baseline)", summary.get("accepted_by_baseline", 0))))
    kinds = "".join(f"<tr><td>{escape(k)}</td><td>{v}</td></tr>"
                    for k, v in summary.get("findings_by_kind", {}).items())
    return (f'<!DOCTYPE html><html lang="it"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head><body>'
            f'<header><h1>{escape(title)}</h1></header><main><div class="cards">{cards}</div>'
            f'<table class="sortable"><thead><tr><th>file</th><th>comune</th><th>anno</th><th>blocco</th>'
            f'<th>errori</th><th>avvisi</th><th>info</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<h3>Problemi per tipo</h3><table><thead><tr><th>tipo</th><th>numero</th></tr></thead>'
            f'<tbody>{kinds}</tbody></table>{"".join(sections)}</main><script>{JS}</script></body></html>')
