"""Calibration harness: seeded simulations of the operating characteristics (issue 10)."""
