"""axe-core (Deque's accessibility engine, bundled by axe-playwright-python) run on a page that
Playwright has open, for the WCAG 2.2 A/AA checks: nothing is fetched, the engine is injected
into the page from the installed package.

    from tests.browser.axe import axe_violations, format_violations

    found = axe_violations(page)  # the serious and critical WCAG 2.2 A/AA violations
    assert not found, format_violations(found, "the release README")

A violation is axe's own record: `id` (the rule, e.g. "color-contrast"), `impact` ("minor",
"moderate", "serious" or "critical"), `tags` (the WCAG criteria, e.g. "wcag143"), `help`,
`helpUrl` and `nodes`, each with its `target` (CSS selectors), `html` (a snippet) and
`failureSummary` (what to fix).
"""

from __future__ import annotations

from collections.abc import Iterable

# WCAG 2.0, 2.1 and 2.2, levels A and AA (axe tags each rule with the versions and levels it checks).
WCAG_22_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
BLOCKING = ("serious", "critical")
SNIPPET = 300  # characters of a node's HTML shown in a failure message
NODES = 20  # elements listed per rule (the count says how many more there are)


def axe_run(page, tags: Iterable[str] = WCAG_22_AA, context: str | None = None) -> dict:
    """axe's full result for the page as it is now (only its violations are collected).
    `context`: a CSS selector to check only part of the page; the whole document by default."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    return Axe().run(page, context=context, options=options).response


def axe_violations(page, impacts: Iterable[str] | None = BLOCKING, tags: Iterable[str] = WCAG_22_AA,
                   context: str | None = None) -> list[dict]:
    """The page's violations of the rules carrying `tags`, of the given `impacts` (None: all)."""
    wanted = None if impacts is None else set(impacts)
    return [v for v in axe_run(page, tags, context)["violations"] if wanted is None or v.get("impact") in wanted]


def format_violations(violations: list[dict], where: str = "the page") -> str:
    """A failure message a developer can act on: per rule, its impact, WCAG criteria and help
    page, then each offending element's selector, HTML and what axe says would fix it."""
    if not violations:
        return f"{where}: no accessibility violations"
    nodes = sum(len(v.get("nodes", [])) for v in violations)
    lines = [f"{where}: {len(violations)} accessibility rule(s) violated, on {nodes} element(s)"]
    for violation in violations:
        criteria = ", ".join(tag for tag in violation.get("tags", []) if tag.startswith("wcag"))
        lines.append(f"- {violation['id']} ({violation.get('impact')}; {criteria}): {violation.get('help', '')}"
                     f" <{violation.get('helpUrl', '')}>")
        shown = violation.get("nodes", [])[:NODES]
        for node in shown:
            target = " >> ".join(_selector(part) for part in node.get("target", []))
            snippet = " ".join(node.get("html", "").split())
            if len(snippet) > SNIPPET:
                snippet = snippet[:SNIPPET] + "…"
            lines.append(f"    at {target}")
            lines.append(f"       {snippet}")
            summary = " ".join(node.get("failureSummary", "").split())
            if summary:
                lines.append(f"       {summary}")
        if len(violation.get("nodes", [])) > len(shown):
            lines.append(f"    … and {len(violation['nodes']) - len(shown)} more element(s) like these")
    return "\n".join(lines)


def _selector(part) -> str:
    """One step of a target (its steps cross frames: " >> "): a selector, or a list of them
    through shadow roots (" >>> ")."""
    return " >>> ".join(part) if isinstance(part, list) else str(part)
