"""A return's context.csv: Hampshire's is Appendix 1 of its report; every other area's is its
invented values, labelled as such, next to the national comparators that appendix prints."""

from __future__ import annotations

from flows.demo.tables import HAMPSHIRE_ID, ContextRow, DemoInspection, area_profile, hampshire_context

# The `source` of every invented value.
INVENTED_SOURCE = "Synthetic demo context: invented value"
APPROXIMATED_SOURCE = "Synthetic demo context: rounded approximation of the 2011 Census population"
# An area profile's `population_source` -> the source written for its population.
POPULATION_SOURCES = {"invented": INVENTED_SOURCE, "census_2011_rounded": APPROXIMATED_SOURCE}
ENGLAND_AND_WALES = "England and Wales"


def build_context(inspection: DemoInspection) -> list[ContextRow]:
    """Rows of context.csv: geography, measure, value, period, source."""
    appendix = hampshire_context()
    if inspection.inspection_id == HAMPSHIRE_ID:
        return list(appendix)
    profile = area_profile(inspection.inspection_id)
    if profile.population_source not in POPULATION_SOURCES:
        raise ValueError(
            f"{inspection.inspection_id}: population_source '{profile.population_source}' is not one of "
            f"{', '.join(POPULATION_SOURCES)}"
        )
    context = profile.context
    # value, source; each under the period the measure has in Hampshire's appendix, so that the
    # invented values line up with the national comparators.
    values = {
        "unemployment_rate_pct": (_pct(context.unemployment_rate_pct), INVENTED_SOURCE),
        "population": (str(profile.population), POPULATION_SOURCES[profile.population_source]),
        "bme_population_pct": (_pct(context.bme_population_pct), INVENTED_SOURCE),
        "caseload_total": (str(context.caseload_total), INVENTED_SOURCE),
        "caseload_white_pct": (_pct(context.caseload_white_pct), INVENTED_SOURCE),
        "caseload_minority_ethnic_pct": (_pct(context.caseload_minority_ethnic_pct), INVENTED_SOURCE),
        "caseload_male_pct": (_pct(context.caseload_male_pct), INVENTED_SOURCE),
        "caseload_female_pct": (_pct(context.caseload_female_pct), INVENTED_SOURCE),
    }
    periods: dict[str, str] = {}
    for _, measure, _, period, _ in appendix:
        periods.setdefault(measure, period)
    # The appendix's national rows for the same measures (its caseload table has no national
    # total, and the other areas have no crime survey figure).
    national = [row for row in appendix if row[0] == ENGLAND_AND_WALES and row[1] in values]
    return [
        *((inspection.area, measure, value, periods[measure], source) for measure, (value, source) in values.items()),
        *national,
    ]


def _pct(value: float) -> str:
    return f"{value:.1f}"
