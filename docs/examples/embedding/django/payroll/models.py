"""A month's metrics per employee, and the pay perfrules computed from them."""

from django.db import models


class MonthlyMetrics(models.Model):
    """What the scheme reads for one employee and month; DecimalFields keep the numbers exact."""

    employee_id = models.CharField(max_length=64)
    period = models.CharField(max_length=16)  # the scheme's period label: 2026-03
    sales = models.DecimalField(max_digits=18, decimal_places=2)
    quality = models.DecimalField(max_digits=5, decimal_places=4, null=True)  # 0.9500 is 95%

    class Meta:  # noqa: D106
        constraints = (models.UniqueConstraint(fields=["employee_id", "period"], name="one_row_per_month"),)


class MonthlyPay(models.Model):
    """One employee's result for a month, with the scheme digest that made it and its explanation."""

    employee_id = models.CharField(max_length=64)
    period = models.CharField(max_length=16)
    score = models.DecimalField(max_digits=8, decimal_places=2)
    grade = models.CharField(max_length=8)
    bonus = models.DecimalField(max_digits=18, decimal_places=2)
    scheme_digest = models.CharField(max_length=80)
    explanation = models.TextField()

    class Meta:  # noqa: D106
        constraints = (models.UniqueConstraint(fields=["employee_id", "period"], name="one_pay_per_month"),)
