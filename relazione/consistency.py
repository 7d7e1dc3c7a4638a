"""Semantic findings: what the classifier read in the narrative, set against the flags and the figures.

The classifier never sees the flags; only here do flags and figures meet its output (AUD-01..03, AUD-07,
AUD-11 of the domain reference). Every finding points at its evidence in R40 when there is one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import form
from .classifier import Evidence, Prediction
from .findings import Finding, Severity
from .guidelines import EVIDENCE_HINT
from .numbers import format_number
from .record import Record
from .textfacts import Claim, amounts_in, claims, staff_units
from .tuning import si_kind, threshold_key

_TRANSFER = re.compile(r"trasfer\w*|conferit\w*|versat\w*|quota\w* (?:all'|al )", re.I)
_AMBITO = re.compile(r"\b(?:ambito|ats|consorzio|unione|forma associat|piano di zona|ufficio di piano)", re.I)
_HIRING = re.compile(r"\b(?:assunt|assunzion|reclutat|incaric|contratt|potenziat|inserit)", re.I)
_SOCIAL_WORKER = re.compile(r"assistent[ei] social", re.I)


def unclaimed_evidence(prediction: Prediction, flags: dict[str, str], letter: str, code: str):
    """The best evidence sentence of ``code`` that is not already, and more strongly, the evidence of a
    motivation of the block flagged SI (None when there is none).

    A NO flag is worth revisiting only for a sentence the compiler has not attributed to another code: a cause
    already given to an SI code is not a reason to flag this one too. The audit thresholds are tuned on this
    same score (:func:`relazione.tuning.flag_rows`), so tuning and findings agree.
    """
    for e in prediction.codes[code].evidence:
        if not any(flags.get(other) == "SI" and prediction.codes[other].supported
                   and any((o.start, o.end) == (e.start, e.end) and o.score > e.score
                           for o in prediction.codes[other].evidence)
                   for other in form.BLOCKS[letter].codes if other != code):
            return e
    return None


def flag_score(prediction: Prediction, flags: dict[str, str], letter: str, code: str
               ) -> tuple[float, Evidence | None]:
    """How the text reads a flagged code, on the scale its audit threshold applies to, with the evidence a NO
    finding would cite.

    An SI flag reads as its code's score, or 1.0 (never below a threshold) when the classifier counts the code as
    supported; a NO flag as its best unclaimed evidence sentence (:func:`unclaimed_evidence`), or 0.0 when the
    code is unsupported. So a finding never contradicts the classifier's own decision (the «SI ✓/✗ testo» line),
    and the audit thresholds are tuned on these very scores (:func:`relazione.tuning.flag_rows`).
    """
    result = prediction.codes[code]
    if flags.get(code) == "SI":
        return (1.0 if result.supported else result.score), None
    # the classifier lists evidence down to tuning.citation_floor, so every sentence that can fire is here
    best = unclaimed_evidence(prediction, flags, letter, code) if result.supported else None
    return (0.0 if best is None else best.score), best


def _quote(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _audit_threshold(kind: str, code: str, thresholds: dict[str, dict[str, float]] | None) -> float | None:
    """The audit's own threshold for a finding of ``kind`` on ``code`` (:mod:`relazione.tuning`), None when the
    model has none."""
    tuned = (thresholds or {}).get(threshold_key(kind, code))
    return None if tuned is None else tuned["threshold"]


def flag_findings(record: Record, prediction: Prediction, blocks: Iterable[str],
                  thresholds: dict[str, dict[str, float]] | None = None) -> list[Finding]:
    """AUD-01..03: SI without support, NO with support, Altro SI without another cause, per flagged block."""
    out: list[Finding] = []
    if not record.r40.strip():
        return out  # an empty narrative is RULE-15's business (error), not a semantic finding
    for letter in blocks:
        for code in form.BLOCKS[letter].codes:
            flag, result = record.flags.get(code), prediction.codes.get(code)
            if flag is None or result is None:
                continue
            kind = si_kind(code)
            threshold = _audit_threshold(kind if flag == "SI" else "flag_no_but_supported", code, thresholds)
            score, best = flag_score(prediction, record.flags, letter, code)
            # untuned: an SI finding for every unsupported code, a NO finding when the top sentence is unclaimed
            if flag == "SI" and score < (1.0 if threshold is None else threshold):
                if kind == "altro_without_text":
                    out.append(Finding(
                        kind="altro_without_text", rule="AUD-03", code=code, severity=Severity.WARNING,
                        message=f"{code} «Altro» è SI ma la relazione non descrive un'altra causa concreta, diversa "
                                f"da quelle delle altre voci: specificarla nel testo.",
                        confidence=round(1 - result.score, 3)))
                else:
                    out.append(Finding(
                        kind="flag_si_unsupported", rule="AUD-01", code=code, severity=Severity.WARNING,
                        message=f"{code} ({form.short_label(code, 70)}) è SI, ma nessuna frase della relazione lo "
                                f"sostiene: manca "
                                f"{EVIDENCE_HINT[code]}. Aggiungere la spiegazione o indicare NO.",
                        confidence=round(1 - result.score, 3)))
            elif flag == "NO" and best is not None and score >= (result.score if threshold is None else threshold):
                out.append(Finding(
                    kind="flag_no_but_supported", rule="AUD-02", code=code, severity=Severity.WARNING,
                    message=f"{code} ({form.short_label(code, 70)}) è NO, ma la relazione lo sostiene: "
                            f"«{_quote(best.text)}». "
                            "Indicare SI oppure rivedere il testo.",
                    start=best.start, end=best.end, confidence=round(best.score, 3)))
    return out


# Direction claims: the code and its reference, how the text's subject reads, the unit, and the two figures.
_DIRECTIONS = {
    "spending_vs_need": ("R07", "R06", "la spesa è {} al fabbisogno", " €",
                         lambda r: (r.value("R07"), r.value("R06"))),
    "service_vs_reference": ("R04", "R05", "il livello dei servizi è {} a quello di riferimento", "",
                             lambda r: (form.service_level(r.values, r.anno)[0], r.value("R05"))),
}


def _contradiction(claim: Claim, record: Record) -> tuple[str, str] | None:
    """(code, message) when the claim disagrees with the form, None when it agrees or cannot be checked."""
    y = record.anno
    if claim.field in ("R08", "R09", "R14", "R15"):
        form_value = record.value(claim.field)
        if form_value is None:
            return None
        tolerance = 0.1 * form_value if claim.approx else max(1.0, 0.005 * form_value)
        # the form's figure written anywhere in the sentence: the amount taken was another one of a list
        if any(abs(v - form_value) <= tolerance for v in (claim.value, *amounts_in(claim.text))):
            return None
        return claim.field, (f"La relazione indica {format_number(claim.value)} € per {claim.field}, il modulo "
                             f"{format_number(form_value)} €: correggere il testo o il dato.")
    if claim.field == "users":
        now = record.value(form.users_total_code(y))
        if now is None or claim.value == now:
            return None
        code = form.users_total_code(y)
        return code, (f"La relazione indica {format_number(claim.value, 0)} utenti serviti, il modulo "
                      f"{format_number(now, 0)} ({code} {y}): correggere il testo o il dato.")
    if claim.field == "staff":
        if y in form.Y2021_22:
            return None
        r01, r01a = record.value("R01"), record.value("R01A")
        if r01 is None:
            return None
        # R01 may hold full-time equivalents: "due assistenti sociali (1,5 unità)" agrees with R01 = 1,5
        if {claim.value, *staff_units(claim.text)} & {r01, r01 + (r01a or 0)}:
            return None
        return "R01", (f"La relazione indica {format_number(claim.value, 0)} assistenti sociali, il modulo "
                       f"{format_number(r01, 0 if r01.is_integer() else 1)} (R01 {y}): correggere il testo o il dato.")
    if claim.field in _DIRECTIONS:
        code, other, subject, unit, figures = _DIRECTIONS[claim.field]
        mine, reference = figures(record)
        if mine is None or reference is None or claim.value == (mine >= reference):
            return None
        said = "non inferiore" if claim.value else "inferiore"
        actual = "non inferiore" if mine >= reference else "inferiore"
        return code, (f"La relazione dice che {subject.format(said)}, ma nel modulo {code} "
                      f"({format_number(mine)}{unit}) è {actual} a {other} ({format_number(reference)}{unit}).")
    return None


def number_findings(record: Record, prediction: Prediction, *, wrong_block: bool) -> list[Finding]:
    """AUD-07: figures and directions stated in R40 that the form contradicts (one finding per field).

    When the flags are in the wrong block, the text argues that block: its direction statements then repeat
    the wrong-block finding and are not reported again.
    """
    out: list[Finding] = []
    seen: set[str] = set()
    for claim in claims(prediction.sentences):
        if wrong_block and claim.field in ("spending_vs_need", "service_vs_reference"):
            continue
        found = _contradiction(claim, record)
        if found is None or found[0] in seen:
            continue
        code, message = found
        seen.add(code)
        out.append(Finding(kind="numbers_contradict_text", rule="AUD-07", code=code, severity=Severity.WARNING,
                           message=f"{message} Frase: «{_quote(claim.text)}».", start=claim.start, end=claim.end,
                           confidence=0.8 if claim.field.endswith(("need", "reference")) else 0.9))
    return out


def quadro3_findings(record: Record) -> list[Finding]:
    """AUD-11 (info): Quadro 3 amounts the narrative never mentions."""
    text = record.r40
    out = []
    if (record.value("R14") or 0) > 0 and not (_TRANSFER.search(text) and _AMBITO.search(text)):
        out.append(Finding(kind="quadro3_not_in_text", rule="AUD-11", code="R14", severity=Severity.INFO,
                           message="R14 indica risorse trasferite all'ambito, ma la relazione non parla di un "
                                   "trasferimento: descriverlo."))
    if (record.value("R10") or 0) > 0 and not (_HIRING.search(text) and _SOCIAL_WORKER.search(text)):
        out.append(Finding(kind="quadro3_not_in_text", rule="AUD-11", code="R10", severity=Severity.INFO,
                           message="R10 indica spesa per assistenti sociali aggiuntivi, ma la relazione non descrive "
                                   "assunzioni o incarichi: descriverli."))
    return out


def hint_missing_flags(findings: list[Finding], prediction: Prediction) -> list[Finding]:
    """RULE-14 findings (a code of the applicable block has neither SI nor NO) with the text's reading: when the
    classifier counts the code as supported, the message cites the sentence and the finding points at it.

    A compiler who filled the wrong block must fill the right one from scratch; this tells them which of its
    motivations the narrative already argues (the classifier never saw these flags: there are none).
    """
    out = []
    for f in findings:
        result = prediction.codes.get(f.code or "")
        if f.kind == "flags_missing" and result is not None and result.supported and result.evidence:
            best = result.evidence[0]  # evidence comes best first
            f = f.model_copy(update={
                "message": f"{f.message} La relazione sembra sostenerlo («{_quote(best.text)}»): probabilmente SI.",
                "start": best.start, "end": best.end, "confidence": round(best.score, 3)})
        out.append(f)
    return out


def semantic_findings(record: Record, prediction: Prediction, decision: form.BlockDecision,
                      thresholds: dict[str, dict[str, float]] | None = None) -> list[Finding]:
    """Every semantic finding of a record, given the classifier's reading of its narrative (all 24 codes) and
    the audit's thresholds per finding kind (None: the classifier's own decisions)."""
    flagged = {form.block_of_code(c).letter for c in record.flags}  # type: ignore[union-attr]
    blocks = sorted(flagged | ({decision.letter} if decision.letter else set()))
    wrong_block = decision.letter is not None and bool(flagged - {decision.letter})
    return [*flag_findings(record, prediction, blocks, thresholds),
            *number_findings(record, prediction, wrong_block=wrong_block),
            *quadro3_findings(record)]
