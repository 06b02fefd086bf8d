"""Inspection returns (landing contract v1): `landing/inspections/<inspection_id>/` or `.xlsx`."""
