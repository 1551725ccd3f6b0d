"""Management commands of the payroll app."""
