"""Input kinds, one package each behind one interface (`flows.sources.base.InputKind`):
inspection returns (`inspections/`) and offender survey deliveries (`surveys/`)."""
