"""Offender survey deliveries: `landing/surveys/<survey_id>/` with survey.yaml and responses.csv."""
