"""A Django app that scores each month's metrics with perfrules and keeps the pay."""
